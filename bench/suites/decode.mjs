// decode (no verification): header and payload of a token.
import { createFloorSigner, floorDecode } from '../lib/floor.mjs';
import { CLAIMS, keysFor } from '../lib/keys.mjs';
import { peerDecoders } from '../lib/peers.mjs';

export function groups({ builds }) {
  return [
    {
      id: 'decode',
      title: 'decode (unverified header and payload)',
      build: () => {
        const token = createFloorSigner({ alg: 'HS256', key: keysFor('HS256').signKey })(CLAIMS);
        const contestants = [
          { name: 'floor', role: 'floor', fn: () => floorDecode(token) },
          ...builds.map(({ name, role, build }) => ({ name, role, fn: () => build.decode(token) })),
          ...peerDecoders().map(({ name, decode }) => ({ name, role: 'peer', fn: () => decode(token) })),
        ];
        const check = (result) => {
          if (result.payload.sub !== CLAIMS.sub) throw new Error('decode returned the wrong payload');
        };
        return { contestants, check };
      },
    },
  ];
}
