import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { JwtError } from '../../errors.js';
import { ALGORITHMS, JWS_ALGORITHMS } from '../../jws/algorithms.js';
import type { JWK, JwsAlgorithm } from '../../jws/types.js';
import { exportJWK } from '../../keys/export-jwk.js';
import { importKey, type ImportKeyInput } from '../../keys/import-key.js';
import { thumbprint } from '../../keys/thumbprint.js';
import { readAlgorithms, readTextFile } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { toJson } from '../format.js';
import { parseKeyFile } from '../load-key.js';

const OPTIONS = { ...COMMON_OPTIONS, alg: { type: 'string' } } as const;

/** The one algorithm a key type allows (EC curves, Ed25519); `undefined` for RSA, which fits RS* and PS*. */
function soleAlgorithmOf(key: KeyObject): JwsAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return JWS_ALGORITHMS.find((alg) => ALGORITHMS[alg].curve === curve);
  }
  return undefined;
}

function publicKeyObjectOf(input: string | JWK, origin: string): KeyObject {
  try {
    return typeof input === 'string' ? createPublicKey(input) : createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', `${origin}: not a key node:crypto can read (an encrypted private key? give its public key)`, {
      cause: error,
    });
  }
}

/** One published JWK: the public half only, with `alg`, `kid` (default: thumbprint) and `use: "sig"`. */
function publicJwkOf(input: string | JWK, origin: string, fallbackAlg: JwsAlgorithm | undefined): JWK {
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new JwtError('ERR_KEY_INVALID', `${origin}: not a JWK object`);
  }
  if (typeof input !== 'string' && (input.kty === 'oct' || input.k !== undefined)) {
    throw new JwtError('ERR_KEY_INVALID', `${origin}: an HMAC secret must never be published in a JWKS`);
  }
  const ownAlg = typeof input === 'string' ? undefined : input.alg;
  const alg = (ownAlg as JwsAlgorithm | undefined) ?? soleAlgorithmOf(publicKeyObjectOf(input, origin)) ?? fallbackAlg;
  if (alg === undefined)
    throw new JwtError('ERR_INVALID_OPTION', `${origin}: an RSA key fits several algorithms: give --alg (e.g. RS256 or PS256)`);
  const bound = importKey(input as ImportKeyInput, { alg });
  const jwk = exportJWK(bound);
  return { ...jwk, kid: jwk.kid ?? thumbprint(jwk), use: 'sig' };
}

/** `jwtkit jwks`: builds the JSON Web Key Set an auth server publishes from public key files. */
export const jwksCommand: CliCommand = {
  name: 'jwks',
  summary: 'Build a JWKS from public key files (PEM or JWK)',
  help: `Usage: jwtkit jwks <key files...> [--alg <alg>]

Prints the JSON Web Key Set { "keys": [...] } to serve at /.well-known/jwks.json.
Each file is a PEM public key, certificate or private key, a JWK or a JWKS. Only
public members are ever printed (a private key contributes its public half); an HMAC
secret is refused. Each key gets use "sig", its alg and a kid (its own, or its RFC 7638
thumbprint). The alg of an EC or Ed25519 key is known from its curve; RSA keys need
--alg (or an alg in the JWK).

Options:
  --alg <alg>   the algorithm of RSA keys whose JWK has no alg (RS256, PS256, ...)
  --json        accepted for symmetry: the output is always JSON
  -h, --help    show this help

Exit codes: 0 printed, 2 an unreadable, unusable or secret key, or a duplicate kid.
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    if (positionals.length === 0) throw new JwtError('ERR_INVALID_OPTION', 'give at least one key file');
    const fallbackAlg = readAlgorithms(values.alg === undefined ? undefined : [values.alg])[0];
    const keys: JWK[] = [];
    for (const path of positionals) {
      const material = parseKeyFile(readTextFile(path, 'jwks'), path);
      if (material.kind === 'pem') keys.push(publicJwkOf(material.text, path, fallbackAlg));
      else if (material.kind === 'jwk') keys.push(publicJwkOf(material.jwk, path, fallbackAlg));
      else if (material.kind === 'jwks')
        keys.push(...material.jwks.keys.map((jwk, index) => publicJwkOf(jwk, `${path} key ${index}`, fallbackAlg)));
    }
    const kids = keys.map((jwk) => jwk.kid);
    const duplicate = kids.find((kid, index) => kids.indexOf(kid) !== index);
    if (duplicate !== undefined) throw new JwtError('ERR_JWKS_INVALID', `two keys have the kid ${duplicate}`);
    io.stdout(toJson({ keys }));
    return EXIT_OK;
  },
};
