/**
 * jwtkit: strict, fast JSON Web Tokens for Node.js backends.
 *
 * The root entry holds everything that does not depend on a web framework or a database driver:
 * Base64Url, compact JWS and JWT sign/verify, compact JWE and encrypted/nested JWTs, claims, keys and JWKS, the token service, and the
 * checks of sender-constrained tokens (DPoP proofs, certificate-bound tokens).
 * Adapters and stores live at `jwtkit/express`, `jwtkit/fetch`, `jwtkit/redis`, `jwtkit/postgres`,
 * and test helpers at `jwtkit/testing`.
 *
 * @module jwtkit
 */

// Layer 0: errors, durations, clock, encoding
export { JwtError, isJwtError, JWT_ERROR_CODES } from './errors.js';
export type { JwtErrorCode, JwtErrorDetails, JwtClaimFailureReason } from './errors.js';
export type { Duration, DurationUnit } from './internal/duration.js';
export type { Clock } from './internal/clock.js';
export { base64url } from './encoding/base64url.js';

// Layer 1: JWS
export { JWS_ALGORITHMS } from './jws/algorithms.js';
export { isBoundKey, toVerificationKey } from './jws/key.js';
export { signJws, signJwsSync } from './jws/sign.js';
export type { SignJwsOptions } from './jws/sign.js';
export { verifyJws, verifyJwsSync } from './jws/verify.js';
export type { VerifyJwsOptions, VerifyJwsResult } from './jws/verify.js';
export { configureThreadPool } from './jws/thread-pool.js';
export type { ThreadPoolOptions } from './jws/thread-pool.js';
export type { BoundKey, JWK, JwsAlgorithm, JwsHeader, Jwk, KeyInput, KeyResolver } from './jws/types.js';

// Layer 2: JWT
export { sign, signSync } from './jwt/sign.js';
export { verify, verifySync } from './jwt/verify.js';
export { decode } from './jwt/decode.js';
export type { DecodeOptions } from './jwt/decode.js';
export type { DecodedJwt, JwtClaims, SignOptions, VerifyOptions, VerifyResult } from './jwt/types.js';
export { createVerifiedTokenCache } from './jwt/verified-token-cache.js';
export type { VerifiedTokenCache, VerifiedTokenCacheOptions } from './jwt/verified-token-cache.js';

// Layer 2: JWE (compact encryption, encrypted and nested JWTs)
export { JWE_CONTENT_ENCRYPTION_ALGORITHMS, JWE_KEY_MANAGEMENT_ALGORITHMS } from './jwe/algorithms.js';
export { isJweKey, toEncryptionKey } from './jwe/key.js';
export { encrypt } from './jwe/encrypt.js';
export type { EncryptOptions } from './jwe/encrypt.js';
export { decrypt } from './jwe/decrypt.js';
export type { DecryptOptions, DecryptResult } from './jwe/decrypt.js';
export { encryptJwt, decryptJwt } from './jwe/jwt.js';
export type { DecryptJwtOptions, DecryptJwtResult, EncryptJwtOptions } from './jwe/jwt.js';
export { signThenEncrypt, decryptThenVerify } from './jwe/nested.js';
export type {
  DecryptThenVerifyKeys,
  DecryptThenVerifyOptions,
  DecryptThenVerifyResult,
  SignThenEncryptKeys,
  SignThenEncryptOptions,
} from './jwe/nested.js';
export type { JweContentEncryptionAlgorithm, JweCurve, JweHeader, JweKey, JweKeyManagementAlgorithm, JweKeyResolver } from './jwe/types.js';

// Layer 3: keys and JWKS
export { importKey } from './keys/import-key.js';
export type { ImportKeyInput, ImportKeyOptions, KeyFormat } from './keys/import-key.js';
export { createRemoteSigner } from './keys/remote-signer.js';
export type { RemoteSignerOptions } from './keys/remote-signer.js';
export type { RemoteSignatureFormat, RemoteSignFunction } from './jws/remote-signature.js';
export { exportJWK } from './keys/export-jwk.js';
export type { ExportJWKOptions } from './keys/export-jwk.js';
export { generateKeyPair } from './keys/generate-key-pair.js';
export type { GenerateKeyPairOptions, GeneratedJweKeyPair, GeneratedKeyPair } from './keys/generate-key-pair.js';
export { generateSecret } from './keys/generate-secret.js';
export type { GenerateSecretOptions } from './keys/generate-secret.js';
export { thumbprint } from './keys/thumbprint.js';
export { createKeyRing } from './keys/key-ring.js';
export type { KeyRing, KeyRingOptions, RetiredKey, RotateOptions } from './keys/key-ring.js';
export { createSharedKeyRing } from './keys/shared-key-ring.js';
export type { SharedKeyRing, SharedKeyRingOptions, SharedKeyRingSigners } from './keys/shared-key-ring.js';
export type { KeyEncryptionKey } from './keys/key-encryption.js';
export type { KeyRingStore, StoredKeyRing } from './keys/key-ring-store.js';
export { MemoryKeyRingStore } from './keys/memory-key-ring-store.js';
export { createLocalJWKS } from './keys/local-jwks.js';
export type { LocalJWKSOptions } from './keys/local-jwks.js';
export { createRemoteJWKS } from './keys/remote-jwks.js';
export type { RemoteJWKS, RemoteJWKSOptions } from './keys/remote-jwks.js';
export { discoverJWKS } from './keys/discover-jwks.js';
export type { DiscoverJWKSOptions } from './keys/discover-jwks.js';
export { createIssuerKeyResolver } from './keys/issuer-key-resolver.js';
export type { IssuerKeys } from './keys/issuer-key-resolver.js';
export type { FetchFunction, JWKSCacheSnapshot, JsonWebKeySet } from './keys/types.js';

// Layer 4: token service and stores
export { createTokenService } from './tokens/token-service.js';
export type {
  AccessTokenClaims,
  AccessTokenReference,
  AccessTokenRevokedEvent,
  DPoPKeyMismatchEvent,
  FamilyRevokedEvent,
  IsRevokedHook,
  IssueOptions,
  RefreshClaimsContext,
  RefreshClaimsHook,
  RefreshFailedEvent,
  RefreshOptions,
  RefreshReuseDetectedEvent,
  SubjectRevokedEvent,
  TokenIssuedEvent,
  TokenPair,
  TokenRefreshedEvent,
  TokenService,
  TokenServiceEvent,
  TokenServiceOptions,
  VerifyAccessTokenOptions,
} from './tokens/types.js';
export { hashRefreshToken } from './tokens/opaque.js';
export { MemoryRefreshTokenStore } from './tokens/memory-refresh-token-store.js';
export type { MemoryRefreshTokenStoreOptions } from './tokens/memory-refresh-token-store.js';
export { MemoryRevocationStore } from './tokens/memory-revocation-store.js';
export type { MemoryRevocationStoreOptions } from './tokens/memory-revocation-store.js';
export { MemoryLoginAttemptStore } from './tokens/memory-login-attempt-store.js';
export type { MemoryLoginAttemptStoreOptions } from './tokens/memory-login-attempt-store.js';
export type { LoginAttemptStore, LoginAttemptCount } from './tokens/login-attempt-store.js';
export type {
  LegacyRefreshToken,
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RefreshTokenStore,
  RevocationStore,
  RevokedFamily,
  RotateResult,
} from './tokens/store.js';
export { createRevocationCheck } from './tokens/revocation-check.js';
export type { RevocationCheckOptions } from './tokens/revocation-check.js';

// Layer 4: sender-constrained tokens (DPoP proofs, RFC 9449; certificate-bound tokens, RFC 8705)
export { verifyDPoPProof } from './dpop/verify-proof.js';
export type { DPoPProofClaims, VerifiedDPoPProof, VerifyDPoPProofOptions } from './dpop/verify-proof.js';
export { DEFAULT_DPOP_ALGORITHMS } from './dpop/algorithms.js';
export type { DPoPAlgorithm } from './dpop/algorithms.js';
export type { DPoPReplayCache } from './dpop/replay-cache.js';
export { MemoryDPoPReplayCache } from './dpop/memory-replay-cache.js';
export type { MemoryDPoPReplayCacheOptions } from './dpop/memory-replay-cache.js';
export { createDPoPNonces } from './dpop/nonces.js';
export type { DPoPNonces, DPoPNoncesOptions } from './dpop/nonces.js';
export { checkTokenBinding } from './dpop/token-binding.js';
export type { CheckTokenBindingOptions } from './dpop/token-binding.js';
export { certificateThumbprint } from './dpop/certificate-thumbprint.js';
