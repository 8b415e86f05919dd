import { JwtError } from '../../errors.js';
import { peekOwnDataProperty } from '../../jws/jwk.js';
import type { JwtClaims, VerifyOptions } from '../../jwt/types.js';

/**
 * The `profile: 'rfc9068'` option of `authenticate` / `withAuth`: JWT access tokens as RFC 9068
 * defines them, checked on top of the `verify` options.
 *
 * @internal
 * @module
 */

/** The access-token profiles a resource server can require. */
export type AccessTokenProfile = 'rfc9068';

/** The claims RFC 9068 §2.2 requires in every JWT access token. */
const RFC9068_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

/** The `typ` of an RFC 9068 access token (§2.1); `verify` also accepts `application/at+jwt`. */
const RFC9068_TYP = 'at+jwt';

/**
 * The `verify` options with the rules of the profile added (RFC 9068 §2.1, §2.2, §4): `typ:
 * 'at+jwt'`, and `iss`, `exp`, `aud`, `sub`, `client_id`, `iat`, `jti` required. `verify` checks the
 * types of the registered claims among them; {@link checkProfileClaims} checks `client_id`.
 *
 * @param issuerPerRequest - whether the issuer is chosen per request (the `issuers` option), which
 *   then stands for `verify.issuer`.
 * @throws ERR_INVALID_OPTION for a profile other than `'rfc9068'`; `verify` options that contradict
 *   it (another `typ`, `requireExp: false`); no `verify.issuer` (RFC 9068 §4: the issuer must
 *   match) unless `issuerPerRequest`; `allowAnyAudience` (RFC 9068 §4: the audience must match).
 * @internal
 */
export function applyAccessTokenProfile(
  profile: unknown,
  verify: VerifyOptions,
  allowAnyAudience: unknown,
  issuerPerRequest: boolean,
): VerifyOptions {
  if (profile === undefined) return verify;
  if (profile !== 'rfc9068') throw new JwtError('ERR_INVALID_OPTION', '"profile" must be \'rfc9068\' (JWT access tokens, RFC 9068)');
  if (verify.typ !== undefined && verify.typ.toLowerCase().replace(/^application\//, '') !== RFC9068_TYP) {
    throw new JwtError('ERR_INVALID_OPTION', '"profile: \'rfc9068\'" requires typ \'at+jwt\': remove "verify.typ"');
  }
  if (verify.requireExp === false) {
    throw new JwtError('ERR_INVALID_OPTION', '"profile: \'rfc9068\'" requires "exp": remove "verify.requireExp: false"');
  }
  if (allowAnyAudience === true) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"profile: \'rfc9068\'" requires the audience to be checked (RFC 9068 §4): set "verify.audience" instead of "allowAnyAudience"',
    );
  }
  if (verify.issuer === undefined && !issuerPerRequest) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"profile: \'rfc9068\'" requires the issuer to be checked (RFC 9068 §4): set "verify.issuer" (or "issuers")',
    );
  }
  const required = new Set([...(verify.requiredClaims ?? []), ...RFC9068_CLAIMS]);
  return { ...verify, typ: verify.typ ?? RFC9068_TYP, requiredClaims: [...required] };
}

/**
 * The checks of the profile that `verify` does not make: `client_id` is a string (RFC 9068 §2.2,
 * RFC 8693 §4.3).
 *
 * @throws ERR_JWT_CLAIM_INVALID (`claim: 'client_id'`, `reason: 'type'`).
 * @internal
 */
export function checkProfileClaims(payload: JwtClaims): void {
  if (typeof peekOwnDataProperty(payload, 'client_id') !== 'string') {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', '"client_id" must be a string (RFC 9068 §2.2)', { claim: 'client_id', reason: 'type' });
  }
}
