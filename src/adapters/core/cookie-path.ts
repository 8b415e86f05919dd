/**
 * Whether browsers send the refresh cookie to an auth endpoint: RFC 6265 §5.1.4 path matching,
 * and the warning when they do not.
 *
 * @internal
 * @module
 */

/**
 * Whether a request path path-matches a cookie path (RFC 6265 §5.1.4): they are equal, or the
 * cookie path is a prefix of the request path that ends with `/` or is followed by `/` in it.
 *
 * @internal
 */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** The folder of a path: `/api/auth/refresh` → `/api/auth`; `/refresh` → `/`. */
function folderOf(path: string): string {
  const end = path.lastIndexOf('/');
  return end <= 0 ? '/' : path.slice(0, end);
}

/**
 * Why browsers do not send the refresh cookie to an endpoint at `endpointPath`, and what to change.
 *
 * @internal
 */
export function cookiePathMismatchReason(source: 'login' | 'refresh' | 'logout', endpointPath: string, cookiePath: string): string {
  const effect =
    source === 'login'
      ? 'if refresh and logout are mounted beside it, browsers never send them the refresh cookie, and every refresh fails as if the session had expired'
      : source === 'refresh'
        ? 'browsers never send it the refresh cookie, so every refresh fails as if the session had expired'
        : 'browsers never send it the refresh cookie, so logout cannot end the session';
  return (
    `the ${source} endpoint's public path "${endpointPath}" is not under cookie.path "${cookiePath}": ${effect}. ` +
    `Set cookie: { path: '${folderOf(endpointPath)}' } (the common prefix of the auth endpoints), or mount them under "${cookiePath}"; ` +
    'behind a proxy that strips a path prefix, set publicPathPrefix'
  );
}
