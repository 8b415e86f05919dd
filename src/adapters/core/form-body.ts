import { requestError } from './error-replies.js';

/**
 * Reading an `application/x-www-form-urlencoded` request body (RFC 6749 §6 and Appendix B: the
 * form of a token request), once its bytes have been read within the same limits as a JSON body
 * (`maxBodyBytes`, `bodyTimeout`). Duplicate parameters are kept, for the caller to refuse them.
 *
 * @internal
 * @module
 */

/** `application/x-www-form-urlencoded`, with or without parameters. */
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a `Content-Type` is `application/x-www-form-urlencoded`.
 *
 * @internal
 */
export function isFormMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && FORM_MEDIA_TYPE.test(contentType);
}

function assertFormMediaType(contentType: string | undefined): void {
  if (!isFormMediaType(contentType)) throw requestError('the request body is not application/x-www-form-urlencoded', 415);
}

/**
 * Decodes a form body that has been read: strict UTF-8 (RFC 6749 Appendix B), then the
 * `application/x-www-form-urlencoded` parser of the URL standard.
 *
 * @returns the parameters, in order and with duplicates; `undefined` for an empty body.
 * @throws ERR_REQUEST_INVALID with status 415 when the media type is not a form, 400 when the
 *   bytes are not UTF-8.
 * @internal
 */
export function decodeFormBody(bytes: Uint8Array, contentType: string | undefined): URLSearchParams | undefined {
  if (bytes.byteLength === 0) return undefined;
  assertFormMediaType(contentType);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw requestError('the request body is not UTF-8');
  }
  return new URLSearchParams(text);
}

/**
 * Accepts a form body that an application's body parser (`express.urlencoded()`) already
 * decoded: its own members, each a string or (a repeated parameter) an array of strings.
 *
 * @throws ERR_REQUEST_INVALID (415) when the request did not say it was a form, (400) when a value
 *   is neither (a nested object of an "extended" parser).
 * @internal
 */
export function acceptParsedForm(body: unknown, contentType: string | undefined): URLSearchParams | undefined {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return decodeFormBody(typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType);
  }
  assertFormMediaType(contentType);
  if (typeof body !== 'object' || body === null) throw requestError('the request body is not a form');
  const params = new URLSearchParams();
  for (const name of Object.keys(body)) {
    const value: unknown = (body as Record<string, unknown>)[name];
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (typeof item !== 'string') throw requestError('a form parameter is not a string');
      params.append(name, item);
    }
  }
  return params.size === 0 ? undefined : params;
}
