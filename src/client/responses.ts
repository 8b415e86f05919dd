/**
 * What the client reads from answers: whether a resource server refused the access token (RFC 6750
 * §3.1 `invalid_token`), and whether a server asks for a DPoP nonce, in both forms: a token
 * endpoint's 400 JSON error (RFC 9449 §8) and a resource server's 401 challenge (§9).
 *
 * @internal
 * @module
 */

function challenge(response: Response): string {
  return response.status === 401 ? (response.headers.get('www-authenticate') ?? '') : '';
}

/** Whether the answer is 401 with `error="invalid_token"` in a `Bearer` or `DPoP` challenge. @internal */
export function isInvalidToken(response: Response): boolean {
  return /error="?invalid_token/.test(challenge(response));
}

/**
 * Whether the answer asks for a DPoP nonce and gives one (`DPoP-Nonce`): 401 with
 * `error="use_dpop_nonce"` in the `DPoP` challenge, or 400 with `{"error":"use_dpop_nonce"}`.
 *
 * @internal
 */
export async function asksForNonce(response: Response): Promise<boolean> {
  if (!response.headers.has('dpop-nonce')) return false;
  if (/error="?use_dpop_nonce/.test(challenge(response))) return true;
  if (response.status !== 400) return false;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return (body as { error?: unknown } | undefined)?.error === 'use_dpop_nonce';
}
