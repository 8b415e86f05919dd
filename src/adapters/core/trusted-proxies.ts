import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';

/**
 * Which proxies in front of the server are trusted to tell it about the request they forward: the
 * client's address, and the scheme and host it addressed (`Forwarded`, RFC 7239, or
 * `X-Forwarded-For` / `-Proto` / `-Host`), and its TLS client certificate (`Client-Cert`,
 * RFC 9440). Without this option these headers are never read.
 *
 * A trusted proxy must overwrite (or strip) these headers on every request it forwards: one that
 * passes on what the client sent lets the client choose its own address, scheme, host and
 * certificate. The rules: docs/sender-constrained-tokens.md, "Behind a proxy".
 *
 * @example
 * ```ts
 * // jwtkit/express, behind a load balancer in 10.0.0.0/8 that overwrites X-Forwarded-*:
 * app.use(authenticate({ key, verify, trustedProxies: { addresses: ['10.0.0.0/8'] } }));
 * // jwtkit/fetch on Bun, where only the platform knows the peer:
 * const options = { key, verify, trustedProxies: { addresses: ['10.0.0.0/8'], clientAddress: (request) => server.requestIP(request)?.address } };
 * ```
 */
export interface TrustedProxiesOptions {
  /**
   * The addresses of the trusted proxies: IPv4 or IPv6 addresses and CIDR ranges, e.g.
   * `['10.0.0.0/8', '127.0.0.1', '::1']` (an IPv4 range also matches its IPv4-mapped IPv6 form).
   * The forwarded headers are read only when the peer of the connection is one of them; the chain
   * of addresses is then walked from the nearest hop, skipping trusted ones, and the first
   * untrusted one is the client. Give this or {@link hops}; no default.
   */
  addresses?: readonly string[];
  /**
   * How many hops, counted from the peer of the connection, are trusted proxies: `1` trusts the
   * peer and takes the client from the last address it appended. Give this or {@link addresses}; no default.
   */
  hops?: number;
  /**
   * `jwtkit/fetch` only, where there is no socket: the address of the peer of the connection, as
   * the platform gives it (Hono's `getConnInfo(c).remote.address`, Bun's
   * `server.requestIP(request)?.address`). Required with {@link addresses} on `jwtkit/fetch`;
   * refused on `jwtkit/express`, which reads `req.socket.remoteAddress`. Default: none.
   */
  clientAddress?: (request: Request) => string | undefined;
}

const TRUSTED_PROXIES_OPTION_NAMES = optionNames<TrustedProxiesOptions>(
  { addresses: true, hops: true, clientAddress: true },
  { trustProxy: 'use "addresses" or "hops"', proxies: 'use "addresses"' },
);

/** One address range: 16 bytes (IPv4 as IPv4-mapped IPv6) and a prefix length out of 128. @internal */
interface AddressRange {
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** {@link TrustedProxiesOptions} checked once. @internal */
export interface TrustedProxies {
  readonly ranges: readonly AddressRange[] | undefined;
  readonly hops: number | undefined;
  readonly clientAddress: ((request: Request) => string | undefined) | undefined;
}

const IPV4 =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function ipv4Bytes(text: string): number[] | undefined {
  const match = IPV4.exec(text);
  return match === null ? undefined : match.slice(1, 5).map(Number);
}

/**
 * An IP address as 16 bytes (an IPv4 address as its IPv4-mapped IPv6 form, RFC 4291 §2.5.5.2), or
 * `undefined` when `text` is not one (no zone, no brackets, no port).
 *
 * @internal
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  const v4 = ipv4Bytes(text);
  if (v4 !== undefined) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const words: number[] = [];
    const pieces = part.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const tail = ipv4Bytes(piece);
        if (tail === undefined) return undefined;
        words.push(((tail[0] as number) << 8) | (tail[1] as number), ((tail[2] as number) << 8) | (tail[3] as number));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        words.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return words;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [index, word] of words.entries()) {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  }
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let index = 0; index < 10; index += 1) if (bytes[index] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * An address as it is reported (the client address): an IPv4-mapped IPv6 address as plain IPv4,
 * an IPv6 address in lower case and without its zone, or `undefined` when it is not an IP address.
 *
 * @internal
 */
export function normalizeIpAddress(text: string): string | undefined {
  const withoutZone = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  const bytes = parseIpAddress(withoutZone);
  if (bytes === undefined) return undefined;
  return isIpv4Mapped(bytes) ? Array.from(bytes.subarray(12)).join('.') : withoutZone.toLowerCase();
}

function parseRange(entry: unknown): AddressRange {
  const fix = "\"trustedProxies.addresses\" must hold IP addresses or CIDR ranges such as '10.0.0.0/8', '127.0.0.1' or '::1'";
  if (typeof entry !== 'string') throw new JwtError('ERR_INVALID_OPTION', fix);
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const bytes = parseIpAddress(address);
  if (bytes === undefined) throw new JwtError('ERR_INVALID_OPTION', fix);
  const v4 = ipv4Bytes(address) !== undefined;
  const width = v4 ? 32 : 128;
  let prefix = width;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(text) || Number(text) > width) throw new JwtError('ERR_INVALID_OPTION', fix);
    prefix = Number(text);
  }
  const range = { bytes, prefix: v4 ? prefix + 96 : prefix };
  for (let bit = range.prefix; bit < 128; bit += 1) {
    if (((bytes[bit >> 3] as number) >> (7 - (bit & 7))) & 1) {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        `"trustedProxies.addresses": '${entry}' has bits set past its prefix length; write the network address`,
      );
    }
  }
  return range;
}

function inRange(bytes: Uint8Array, range: AddressRange): boolean {
  for (let bit = 0; bit < range.prefix; bit += 1) {
    const mask = 1 << (7 - (bit & 7));
    if (((bytes[bit >> 3] as number) & mask) !== ((range.bytes[bit >> 3] as number) & mask)) return false;
  }
  return true;
}

/**
 * Validates {@link TrustedProxiesOptions}.
 *
 * @param platform - `'node'` (the socket gives the peer) or `'fetch'` (the `clientAddress` callback does).
 * @throws ERR_INVALID_OPTION for an unknown option name, neither or both of `addresses` and
 *   `hops`, an entry that is not an IP address or CIDR range, a `hops` that is not a whole number
 *   from 1 to 32, or `clientAddress` missing (Fetch, with `addresses`) or given (Node).
 * @internal
 */
export function normalizeTrustedProxies(options: unknown, platform: 'node' | 'fetch'): TrustedProxies | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', '"trustedProxies" must be an object such as { addresses: [\'10.0.0.0/8\'] } or { hops: 1 }');
  }
  checkOptionNames(options, TRUSTED_PROXIES_OPTION_NAMES, '"trustedProxies"');
  const { addresses, hops, clientAddress } = options as TrustedProxiesOptions;
  if ((addresses === undefined) === (hops === undefined)) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"trustedProxies" takes one of "addresses" (the proxies\' IPs or CIDRs) and "hops" (how many)',
    );
  }
  if (hops !== undefined && (!Number.isInteger(hops) || hops < 1 || hops > 32)) {
    throw new JwtError('ERR_INVALID_OPTION', '"trustedProxies.hops" must be a whole number from 1 to 32');
  }
  let ranges: AddressRange[] | undefined;
  if (addresses !== undefined) {
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw new JwtError('ERR_INVALID_OPTION', '"trustedProxies.addresses" must be a non-empty array of IP addresses or CIDR ranges');
    }
    ranges = (addresses as unknown[]).map(parseRange);
  }
  if (clientAddress !== undefined && typeof clientAddress !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"trustedProxies.clientAddress" must be a function');
  }
  if (platform === 'node' && clientAddress !== undefined) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"trustedProxies.clientAddress" is for jwtkit/fetch: on Node the peer is req.socket.remoteAddress; remove it',
    );
  }
  if (platform === 'fetch' && ranges !== undefined && clientAddress === undefined) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"trustedProxies.clientAddress" is required with "addresses" on jwtkit/fetch: a function giving the peer address, e.g. Hono\'s getConnInfo(c).remote.address',
    );
  }
  return Object.freeze({ ranges: ranges && Object.freeze(ranges), hops, clientAddress });
}

/** What the trusted proxies say about a request. @internal */
export interface ForwardedFacts {
  /** Whether the peer of the connection is a trusted proxy (so `Client-Cert` may be read). */
  readonly fromTrustedProxy: boolean;
  /**
   * The client's address: the peer when it is not a trusted proxy, else the first untrusted
   * address of the chain from the nearest hop; `undefined` when that is not an IP address (an
   * obfuscated identifier, `unknown`) or is not known.
   */
  readonly clientAddress: string | undefined;
  /** The scheme the nearest trusted proxy received (`http` or `https`), when it says so. */
  readonly proto: string | undefined;
  /** The host (and port) the nearest trusted proxy received, when it says so. */
  readonly host: string | undefined;
}

/** One hop of a `Forwarded` header: its `for`, `proto` and `host` parameters. */
interface ForwardedElement {
  readonly for: string | undefined;
  readonly proto: string | undefined;
  readonly host: string | undefined;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses a `Forwarded` header (RFC 7239 §4): elements separated by `,`, pairs by `;`, values a
 * token or a quoted string. `undefined` when malformed (then nothing of it is used).
 *
 * @internal
 */
export function parseForwarded(header: string): ForwardedElement[] | undefined {
  const elements: ForwardedElement[] = [];
  let index = 0;
  let current: Record<string, string> = {};
  const length = header.length;
  const skipSpace = (): void => {
    while (index < length && (header[index] === ' ' || header[index] === '\t')) index += 1;
  };
  const push = (): boolean => {
    if (Object.keys(current).length === 0) return false;
    elements.push({ for: current['for'], proto: current['proto'], host: current['host'] });
    current = {};
    return true;
  };
  for (;;) {
    skipSpace();
    const nameStart = index;
    while (index < length && header[index] !== '=' && header[index] !== ';' && header[index] !== ',') index += 1;
    const name = header.slice(nameStart, index).trim().toLowerCase();
    if (!TOKEN.test(name) || header[index] !== '=') return undefined;
    index += 1;
    let value: string;
    if (header[index] === '"') {
      index += 1;
      value = '';
      while (index < length && header[index] !== '"') {
        if (header[index] === '\\') index += 1;
        if (index >= length) return undefined;
        value += header[index];
        index += 1;
      }
      if (header[index] !== '"') return undefined;
      index += 1;
    } else {
      const valueStart = index;
      while (index < length && header[index] !== ';' && header[index] !== ',' && header[index] !== ' ' && header[index] !== '\t')
        index += 1;
      value = header.slice(valueStart, index);
      if (!TOKEN.test(value)) return undefined;
    }
    if (Object.hasOwn(current, name)) return undefined; // RFC 7239 §4: a parameter at most once per element
    current[name] = value;
    skipSpace();
    if (index >= length) return push() ? elements : undefined;
    if (header[index] === ';') index += 1;
    else if (header[index] === ',') {
      index += 1;
      if (!push()) return undefined;
    } else return undefined;
  }
}

/** The IP of a `for=` node (RFC 7239 §6): `192.0.2.43`, `"[2001:db8::1]:4711"`; `undefined` for `unknown`, `_hidden`, .... */
function nodeAddress(node: string | undefined): string | undefined {
  if (node === undefined) return undefined;
  let host = node;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end === -1) return undefined;
    host = host.slice(1, end);
  } else if (host.split(':').length === 2) {
    host = host.slice(0, host.indexOf(':'));
  }
  return normalizeIpAddress(host);
}

function lastListValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const values = header.split(',');
  const last = (values[values.length - 1] as string).trim();
  return last === '' ? undefined : last;
}

function isTrusted(address: string | undefined, hop: number, proxies: TrustedProxies): boolean {
  if (proxies.hops !== undefined) return hop < proxies.hops;
  if (address === undefined || proxies.ranges === undefined) return false;
  const bytes = parseIpAddress(address);
  return bytes !== undefined && proxies.ranges.some((range) => inRange(bytes, range));
}

const PROTO = /^https?$/i;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * What the trusted proxies say about a request: `Forwarded` when the request has it (then
 * `X-Forwarded-*` are ignored), else `X-Forwarded-For` / `-Proto` / `-Host`, read only when the
 * peer is trusted. The chain is walked from the right (the nearest hop); `proto` and `host` come
 * from the nearest proxy's element only (RFC 7239 §5.4, §5.3).
 *
 * @param peer - the peer of the connection (`req.socket.remoteAddress`, or `clientAddress(request)`).
 * @param header - reads one request header (lower-case name, repeated headers joined with `", "`).
 * @internal
 */
export function forwardedFacts(
  proxies: TrustedProxies | undefined,
  peer: string | undefined,
  header: (name: string) => string | undefined,
): ForwardedFacts {
  const peerAddress = peer === undefined ? undefined : normalizeIpAddress(peer);
  if (proxies === undefined || !isTrusted(peerAddress, 0, proxies)) {
    return { fromTrustedProxy: false, clientAddress: peerAddress, proto: undefined, host: undefined };
  }
  const forwarded = header('forwarded');
  let chain: Array<string | undefined>;
  let proto: string | undefined;
  let host: string | undefined;
  if (forwarded !== undefined) {
    const elements = parseForwarded(forwarded);
    if (elements === undefined) return { fromTrustedProxy: true, clientAddress: undefined, proto: undefined, host: undefined };
    chain = elements.map((element) => nodeAddress(element.for));
    const nearest = elements[elements.length - 1];
    proto = nearest?.proto;
    host = nearest?.host;
  } else {
    const list = header('x-forwarded-for');
    chain = list === undefined ? [] : list.split(',').map((entry) => normalizeIpAddress(entry.trim()));
    proto = lastListValue(header('x-forwarded-proto'));
    host = lastListValue(header('x-forwarded-host'));
  }
  let clientAddress = peerAddress;
  for (let hop = 1; chain.length > 0; hop += 1) {
    clientAddress = chain.pop();
    if (!isTrusted(clientAddress, hop, proxies)) break;
  }
  return {
    fromTrustedProxy: true,
    clientAddress,
    proto: proto !== undefined && PROTO.test(proto) ? proto.toLowerCase() : undefined,
    host: host !== undefined && HOST.test(host) ? host : undefined,
  };
}

/**
 * The DER of the certificate of an RFC 9440 `Client-Cert` header (a structured-field byte
 * sequence, `:` Base64 `:`, RFC 8941 §3.3.5), or `undefined` when absent or malformed (several headers included).
 *
 * @internal
 */
export function clientCertHeader(value: string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  // RFC 8941 §3.3.5: parsers should not fail when the `=` padding is missing.
  const match = /^:((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?):$/.exec(value.trim());
  if (match === null || match[1] === '') return undefined;
  const base64 = match[1] as string;
  const text = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
  return bytes;
}
