/**
 * What a token copied from a request or a file most often carries around it: the scheme of the
 * `Authorization` header (`Bearer <token>`, RFC 6750 §2.1), a header name, or the newline that
 * ends the line it was read from. None of them is part of a compact JWS.
 */
const BEARER_PREFIX = /^\s*(?:authorization\s*:\s*)?bearer(?:\s|$)/i;

/**
 * The fix for a token that is a compact JWS with something pasted around it, or `undefined`.
 * Called only once a token has been refused as malformed (never on the accepted path), and its
 * answer names the fix without quoting the token: `remove the "Bearer " prefix`,
 * `remove the trailing newline`, `remove the leading whitespace`.
 * @internal
 */
export function tokenNearMissFix(token: string): string | undefined {
  if (BEARER_PREFIX.test(token)) {
    return 'remove the "Bearer " prefix (the scheme of the Authorization header): pass only the token after it';
  }
  const fixes: string[] = [];
  if (/^\s/.test(token)) fixes.push('remove the leading whitespace');
  if (/[\r\n]\s*$/.test(token)) fixes.push('remove the trailing newline');
  else if (/\s$/.test(token)) fixes.push('remove the trailing whitespace');
  return fixes.length === 0 ? undefined : fixes.join(' and ');
}
