import { JwtError } from '../../errors.js';
import { requestError } from './error-replies.js';

/**
 * The parts of JSON body reading both adapters share: the size limit, the deadline's error, the
 * media type check and strict UTF-8 + JSON decoding. Each adapter reads the bytes its own way, into
 * a `BodyBuffer`.
 *
 * @internal
 * @module
 */

/** `application/json` or `application/<anything>+json`, with or without parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body length a request declares in `Content-Length`, refusing one over the limit before
 * anything is read.
 *
 * @returns the declared length, or `undefined` when the request declares none (or no whole number).
 * @throws ERR_REQUEST_INVALID (413) when the declared length is over `maxBytes`.
 * @internal
 */
export function declaredBodyLength(contentLength: string | undefined, maxBytes: number): number | undefined {
  if (contentLength === undefined) return undefined;
  const length = Number(contentLength);
  if (Number.isFinite(length) && length > maxBytes) throw bodyTooLarge();
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * The error for a body that grew past the limit while it was read.
 *
 * @internal
 */
export function bodyTooLarge(): JwtError {
  return requestError('the request body is too large', 413);
}

/**
 * The error for a body that did not all arrive within the deadline.
 *
 * @internal
 */
export function bodyTimedOut(): JwtError {
  return new JwtError('ERR_REQUEST_TIMEOUT', 'the request body did not arrive within "bodyTimeout"');
}

/**
 * Decodes a request body that has been read: empty means "no body".
 *
 * @returns the parsed JSON value, or `undefined` for an empty body.
 * @throws ERR_REQUEST_INVALID with status 415 when the media type is not JSON, 400 when the bytes
 *   are not UTF-8 or not JSON.
 * @internal
 */
export function decodeJsonBody(bytes: Uint8Array, contentType: string | undefined): unknown {
  if (bytes.byteLength === 0) return undefined;
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw requestError('the request body is not application/json', 415);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw requestError('the request body is not UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw requestError('the request body is not JSON');
  }
}

/**
 * Accepts a body that an application's body parser (e.g. `express.json()`) already decoded,
 * provided the request said it was JSON.
 *
 * @throws ERR_REQUEST_INVALID (415) when the media type is not JSON.
 * @internal
 */
export function acceptParsedBody(body: unknown, contentType: string | undefined): unknown {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return decodeJsonBody(typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType);
  }
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw requestError('the request body is not application/json', 415);
  }
  return body;
}

/**
 * Checks that a JSON body is an object (not an array, string or number).
 *
 * @throws ERR_REQUEST_INVALID when it is not.
 * @internal
 */
export function asJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw requestError('the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
