/**
 * What a token copied from a request or a file most often carries around it: the scheme of the
 * `Authorization` header (`Bearer <token>`, RFC 6750 §2.1), a header name, or the newline that
 * ends the line it was read from. None of them is part of a compact JWS.
 */
const BEARER_PREFIX = /^\s*(?:authorization\s*:\s*)?bearer(?:\s|$)/i;

/** The fix for a token pasted with its `Bearer ` scheme; the `jwtkit` command says the same. @internal */
export const BEARER_PREFIX_FIX = 'remove the "Bearer " prefix';

/** Whether text starts with the `Bearer` scheme (any case, any spacing), or a whole `Authorization: Bearer` header. @internal */
export function hasBearerPrefix(text: string): boolean {
  return BEARER_PREFIX.test(text);
}

/**
 * The fix for a token that is a compact JWS with something pasted around it, or `undefined`.
 * Called only once a token has been refused as malformed (never on the accepted path), and its
 * answer names the fix without quoting the token: `remove the "Bearer " prefix`,
 * `remove the trailing newline`, `remove the leading whitespace`.
 * @internal
 */
export function tokenNearMissFix(token: string): string | undefined {
  if (hasBearerPrefix(token)) return BEARER_PREFIX_FIX;
  const found: string[] = [];
  if (/^\s/.test(token)) found.push('leading whitespace');
  if (/[\r\n]\s*$/.test(token)) found.push('trailing newline');
  else if (/\s$/.test(token)) found.push('trailing whitespace');
  return found.length === 0 ? undefined : `remove the ${found.join(' and the ')}`;
}
