/**
 * Base64url without padding (RFC 4648 §5), over `btoa`: the client runs where there is no
 * `Buffer`, so it does not use the codec of `src/encoding/`.
 *
 * @internal
 * @module
 */

/** The Base64url text of bytes, or of a string's UTF-8 bytes. @internal */
export function base64url(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The Base64url text of a value's JSON. @internal */
export function base64urlJson(value: unknown): string {
  return base64url(JSON.stringify(value));
}
