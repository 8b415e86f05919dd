import { createAuthClient, type AuthClient } from 'jwtkit/client';

// The page's module (bundled with the app). The auth endpoints are on the page's origin under
// /auth (their refresh cookie's path); the API is on another origin.
export function createApi(): AuthClient {
  return createAuthClient({
    loginUrl: '/auth/login',
    refreshUrl: '/auth/refresh',
    logoutUrl: '/auth/logout',
    logoutEverywhereUrl: '/auth/logout-everywhere',
    origins: ['https://api.example.com'], // the access token goes to these origins only
    dpop: true, // bound to a non-extractable key kept in IndexedDB
  });
}

// Logging in: the answer says whether it worked, and why not.
export async function signIn(api: AuthClient, username: string, password: string): Promise<string | undefined> {
  const result = await api.login({ username, password });
  if (result.ok) return undefined;
  return result.error === 'too_many_attempts' ? 'Too many attempts: wait a moment' : 'Wrong user name or password';
}

// Every call is a fetch: the client adds the token and a proof, refreshes when the token expired
// (or the API says invalid_token) and retries once. A 401 that remains means: log in again.
export async function loadOrders(api: AuthClient): Promise<unknown[] | 'signed-out'> {
  const response = await api('https://api.example.com/orders?status=open');
  if (response.status === 401) return 'signed-out';
  return (await response.json()) as unknown[];
}
