import { JwtError } from '../errors.js';
import type { FetchFunction } from './types.js';

/** How {@link fetchJson} fetches. @internal */
export interface FetchJsonSettings {
  readonly fetch: FetchFunction;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** A fetched JSON document and the response's `Cache-Control` header. @internal */
export interface FetchedJson {
  readonly value: unknown;
  readonly cacheControl: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * GETs a JSON document: one request, no redirects followed, no credentials, within a time limit
 * that covers the whole body, and at most `maxBytes` read. Transport failures (network, timeout,
 * a status other than 200, a body too large) throw `ERR_JWKS_FETCH`; a body that is not UTF-8
 * JSON throws `ERR_JWKS_INVALID`.
 * @internal
 */
export async function fetchJson(url: string, settings: FetchJsonSettings): Promise<FetchedJson> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  // The limit holds even when an injected fetch (or its body stream) ignores the abort signal.
  const timedOut = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(transportError(true, 'the request timed out', undefined)), { once: true });
  });
  try {
    return await Promise.race([fetchWithin(url, settings, controller.signal), timedOut]);
  } catch (error) {
    if (error instanceof JwtError) throw error;
    // An injected fetch that returned something other than a Response, or threw oddly.
    throw transportError(controller.signal.aborted, 'the request failed', error);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchWithin(url: string, settings: FetchJsonSettings, signal: AbortSignal): Promise<FetchedJson> {
  let response: Response;
  try {
    response = await settings.fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json', ...settings.headers },
      redirect: 'error',
      signal,
    });
  } catch (error) {
    throw transportError(signal.aborted, 'the request failed', error);
  }
  if (response.status !== 200) {
    await discardBody(response);
    throw new JwtError('ERR_JWKS_FETCH', `the server answered with status ${response.status}`);
  }
  const bytes = await readBody(response, settings.maxBytes, signal);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (error) {
    throw new JwtError('ERR_JWKS_INVALID', 'the response is not UTF-8 JSON', { cause: error });
  }
  return { value, cacheControl: response.headers.get('cache-control') };
}

async function readBody(response: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await discardBody(response);
    throw tooLarge(maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JwtError) throw error;
    throw transportError(signal.aborted, 'reading the response failed', error);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(maxBytes: number): JwtError {
  return new JwtError('ERR_JWKS_FETCH', `the response is larger than ${maxBytes} bytes`);
}

function transportError(timedOut: boolean, what: string, cause: unknown): JwtError {
  return new JwtError('ERR_JWKS_FETCH', timedOut ? 'the request timed out' : what, { cause });
}

async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}
