/**
 * The URL as a string when jwtkit may fetch it: `https:`, or `http:` to a loopback host
 * (`localhost`, `127.0.0.0/8`, `[::1]`) or when `allowInsecureHttp`; never with credentials in
 * it. `undefined` otherwise.
 * @internal
 */
export function acceptableFetchUrl(value: unknown, allowInsecureHttp: boolean): string | undefined {
  if (typeof value !== 'string' && !(value instanceof URL)) return undefined;
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : value);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopbackHost(url.hostname))) return url.href;
  return undefined;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
