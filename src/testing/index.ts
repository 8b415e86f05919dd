/**
 * `jwtkit/testing`: helpers for tests.
 *
 * - The store conformance kit: {@link runRefreshTokenStoreSuite},
 *   {@link runRevocationStoreSuite} and {@link runKeyRingStoreSuite} check any `RefreshTokenStore` /
 *   `RevocationStore` / `KeyRingStore` implementation against its written contract, with the test
 *   framework you pass.
 * - Helpers for the tests of your application: {@link createTestIssuer} (a generated key ring,
 *   its JWKS, and valid, expired, not-yet-valid, wrong-audience, wrong-issuer and forged tokens)
 *   and {@link createFakeClock}.
 *
 * @module jwtkit/testing
 */

export { runRefreshTokenStoreSuite } from './refresh-token-store-suite.js';
export type { LegacyRefreshTokenRecord, RefreshTokenStoreSuiteOptions } from './refresh-token-store-suite.js';
export { runRevocationStoreSuite } from './revocation-store-suite.js';
export type { RevocationStoreSuiteOptions } from './revocation-store-suite.js';
export { runKeyRingStoreSuite } from './key-ring-store-suite.js';
export type { KeyRingStoreSuiteOptions } from './key-ring-store-suite.js';
export type { ConformanceAssertion, ConformanceSuiteOptions, ConformanceTestApi } from './conformance-api.js';
export { createFakeClock } from './fake-clock.js';
export type { FakeClock, FakeClockOptions } from './fake-clock.js';
export { createTestIssuer } from './test-issuer.js';
export type { TestIssuer, TestIssuerOptions, TestTokenOptions } from './test-issuer.js';
