/**
 * `jwtkit/client`: the client of jwtkit's auth endpoints, for browsers and Node 20 (WebCrypto
 * and `fetch` only). See docs/client.md.
 *
 * @module jwtkit/client
 */
export { createAuthClient } from './create-auth-client.js';
export type { AuthClient, AuthResult } from './create-auth-client.js';
export type { AuthClientOptions } from './options.js';
