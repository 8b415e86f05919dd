/**
 * The freshness lifetime, in seconds, a `Cache-Control` header gives: its `max-age`, or `0` for
 * `no-store` / `no-cache`; `undefined` when the header is absent or says neither.
 * @internal
 */
export function cacheControlMaxAge(header: string | null): number | undefined {
  if (header === null) return undefined;
  let maxAge: number | undefined;
  for (const part of header.split(',')) {
    const directive = part.trim().toLowerCase();
    if (directive === 'no-store' || directive === 'no-cache') return 0;
    const match = /^max-age\s*=\s*"?(\d{1,10})"?$/.exec(directive);
    if (match !== null && maxAge === undefined) maxAge = Number(match[1]);
  }
  return maxAge;
}
