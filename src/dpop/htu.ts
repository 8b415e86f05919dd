/**
 * The comparison of a DPoP proof's `htu` with the request's URL (RFC 9449 §4.3: "ignoring any
 * query and fragment parts", after syntax-based and scheme-based normalisation, RFC 3986 §6.2.2
 * and §6.2.3). Both sides go through {@link normalizeHttpUri}, and the results must be equal.
 *
 * @module
 */

/** Default ports of the two schemes a DPoP `htu` may have (RFC 9110 §4.2.1, §4.2.2). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** `scheme "://" authority path-abempty [ "?" query ] [ "#" fragment ]` (RFC 3986 §3, Appendix B). */
const HTTP_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?[^#]*)?(?:#[\s\S]*)?$/;

/**
 * `host [ ":" port ]`: an IP-literal in brackets (RFC 3986 §3.2.2) or a reg-name of unreserved
 * characters and sub-delims. No userinfo (RFC 9110 §4.2.4 forbids it in http(s) URIs) and no
 * percent-encoding in the host.
 */
const AUTHORITY = /^(\[[A-Za-z0-9._~!$&'()*+,;=:-]+\]|[A-Za-z0-9._~!$&'()*+,;=-]+)(?::([0-9]*))?$/;

/**
 * In a path: a percent-encoded octet, or one character that is not a path character of RFC 3986
 * (`pchar` and `/`): a space, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, a control, a
 * non-ASCII code point, or a `%` not followed by two hex digits.
 */
const PATH_ESCAPES = /%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/gu;

const LONE_SURROGATE = /\p{Cs}/u;

/** The unreserved characters (RFC 3986 §2.3): their percent-encodings are decoded. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Normalises an absolute `http` or `https` URI for comparison, or returns `undefined` when it is
 * not one. Exactly these steps, and no others:
 *
 * 1. The query and the fragment are dropped (RFC 9449 §4.3).
 * 2. The scheme and the host are lower-cased (RFC 3986 §6.2.2.1); the scheme must then be `http`
 *    or `https`. A URI with userinfo, an empty or percent-encoded host, or a port above 65535 is
 *    refused. IP-literals are only lower-cased (`[::1]` and `[0::1]` stay different).
 * 3. The port: an empty port or the scheme's default (80, 443) is removed; any other loses its
 *    leading zeros (RFC 3986 §6.2.3).
 * 4. The path: a percent-encoded unreserved character is decoded (`%7E` → `~`), and the hex
 *    digits of every other percent-encoding are upper-cased (RFC 3986 §6.2.2.1, §6.2.2.2). A
 *    character RFC 3986 does not allow in a path is percent-encoded as UTF-8 first (as WHATWG URL
 *    serialisation does for most of them), so `|` and `%7C` compare equal.
 * 5. Dot segments are removed (RFC 3986 §5.2.4, §6.2.2.3), and an empty path becomes `/`
 *    (RFC 3986 §6.2.3).
 *
 * The path stays case-sensitive, a trailing `/` stays significant, and `%2F` is not `/`.
 *
 * @internal
 */
export function normalizeHttpUri(uri: string): string | undefined {
  if (LONE_SURROGATE.test(uri)) return undefined; // not text: it has no UTF-8 percent-encoding
  const parts = HTTP_URI.exec(uri);
  if (parts === null) return undefined;
  const scheme = (parts[1] as string).toLowerCase();
  const defaultPort = DEFAULT_PORTS[scheme];
  if (defaultPort === undefined) return undefined;
  const authority = AUTHORITY.exec(parts[2] as string);
  if (authority === null) return undefined;
  const host = (authority[1] as string).toLowerCase();
  const port = normalizePort(authority[2], defaultPort);
  if (port === undefined) return undefined;
  return `${scheme}://${host}${port}${removeDotSegments(normalizePercentEncoding(parts[3] as string))}`;
}

/** `''` for no port, an empty port or the default one; `:<digits>` otherwise; `undefined` above 65535. */
function normalizePort(port: string | undefined, defaultPort: string): string | undefined {
  if (port === undefined || port === '') return '';
  const digits = port.replace(/^0+(?=\d)/, '');
  if (digits.length > 5 || Number(digits) > 65_535) return undefined;
  return digits === defaultPort ? '' : `:${digits}`;
}

function normalizePercentEncoding(path: string): string {
  return path.replace(PATH_ESCAPES, (match) => {
    if (match.length === 3 && match.charCodeAt(0) === 0x25 /* % */) {
      const character = String.fromCharCode(Number.parseInt(match.slice(1), 16));
      return UNRESERVED.test(character) ? character : match.toUpperCase();
    }
    return encodeURIComponent(match); // upper-case hex digits
  });
}

/**
 * RFC 3986 §5.2.4 for a path that is empty or starts with `/` (the path of a URI with an
 * authority): `.` segments go, `..` segments remove the segment before them, and a path that ends
 * in `.` or `..` ends in `/`. An empty path is `/`.
 */
function removeDotSegments(path: string): string {
  if (path === '') return '/';
  const segments = path.slice(1).split('/');
  const output: string[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] as string;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      if (index === segments.length - 1) output.push('');
    } else {
      output.push(segment);
    }
  }
  return `/${output.join('/')}`;
}
