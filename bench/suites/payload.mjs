// HS256 verify (sync) with growing payloads: the claims plus a `permissions` array of short
// strings (the usual reason for a large token), to about 100 B, 1 KB, 10 KB and 100 KB of JSON.
// jwtkit gets `maxTokenLength` large enough (the default is 8192 characters).
import { createFloorSigner, createFloorVerifier } from '../lib/floor.mjs';
import { AUDIENCE, ISSUER, keysFor } from '../lib/keys.mjs';
import { peersFor } from '../lib/peers.mjs';
import { boundKey } from '../lib/subject.mjs';

export const PAYLOAD_SIZES = [
  ['100B', 100],
  ['1KB', 1024],
  ['10KB', 10 * 1024],
  ['100KB', 100 * 1024],
];

/** Claims whose JSON is about `size` bytes (never less than the registered claims alone). */
export function claimsOfSize(size) {
  const claims = { sub: 'u1', iss: ISSUER, aud: AUDIENCE, permissions: [] };
  const base = JSON.stringify({ ...claims, iat: 1_700_000_000, exp: 1_700_003_600 }).length;
  let length = base;
  for (let i = 0; length < size; i++) {
    const permission = `orders:${i}:read`;
    claims.permissions.push(permission);
    length += permission.length + 3;
  }
  return claims;
}

export function groups({ builds }) {
  return PAYLOAD_SIZES.map(([label, size]) => ({
    id: `payload/HS256/${label}`,
    title: `HS256 verify (sync), payload of about ${label}`,
    build: () => {
      const keys = keysFor('HS256');
      const claims = claimsOfSize(size);
      const token = createFloorSigner({ alg: 'HS256', key: keys.signKey })(claims);
      const floor = createFloorVerifier({ alg: 'HS256', key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
      const options = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, maxTokenLength: token.length };
      const contestants = [
        { name: 'floor', role: 'floor', fn: () => floor(token) },
        ...builds.map(({ name, role, build }) => {
          const key = boundKey(build, keys.verifyKey, 'HS256');
          return { name, role, fn: () => build.verifySync(token, key, options) };
        }),
        ...peersFor({ alg: 'HS256', ...keys })
          .filter((peer) => peer.verifySync !== undefined)
          .map((peer) => ({ name: peer.name, role: 'peer', fn: () => peer.verifySync(token) })),
      ];
      const check = (result) => {
        const payload = result.payload ?? result;
        if (payload.permissions.length !== claims.permissions.length) throw new Error('wrong payload');
      };
      return { contestants, check };
    },
  }));
}
