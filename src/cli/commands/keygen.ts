import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { JwtError } from '../../errors.js';
import type { JWK } from '../../jws/types.js';
import { exportJWK } from '../../keys/export-jwk.js';
import { generateKeyPair } from '../../keys/generate-key-pair.js';
import { expectNoArguments, readOneAlgorithm } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { toJson } from '../format.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  alg: { type: 'string' },
  kid: { type: 'string' },
  bits: { type: 'string' },
  out: { type: 'string' },
} as const;

function readBits(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4,5}$/.test(value)) throw new JwtError('ERR_INVALID_OPTION', '--bits must be a number of bits such as 2048 or 3072');
  return Number(value);
}

/** Writes a new file; never overwrites one (a key is not something to lose by accident). */
function writeNewFile(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (error) {
    const reason = (error as { code?: unknown }).code;
    throw new JwtError('ERR_INVALID_OPTION', `--out: cannot create ${path}${typeof reason === 'string' ? ` (${reason})` : ''}`, {
      cause: error,
    });
  }
}

/** Creates the folder `--out keys/auth` writes into (and its parents), as `mkdir -p` does. */
function createParentDirectory(prefix: string): void {
  const directory = dirname(prefix);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    const reason = (error as { code?: unknown }).code;
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `--out: cannot create the folder ${directory}${typeof reason === 'string' ? ` (${reason})` : ''}`,
      {
        cause: error,
      },
    );
  }
}

/** `jwtkit keygen`: a new key pair as PEM and as a public JWK whose `kid` is its thumbprint. */
export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'Generate a key pair: PEM, and a public JWK with a thumbprint kid',
  help: `Usage: jwtkit keygen --alg <alg> [--kid <kid>] [--bits <n>] [--out <prefix>] [--json]

Generates a key pair for an asymmetric algorithm (RS*, PS*, ES256/384/512, EdDSA):
the private key as PKCS#8 PEM, the public key as SPKI PEM and as a JWK with use "sig",
its alg and a kid (by default the RFC 7638 thumbprint of the public key).
For HS256/384/512 use \`jwtkit secret\`.

Options:
  --alg <alg>      the algorithm the key pair is for (required)
  --kid <kid>      the key id (default: the thumbprint)
  --bits <n>       RSA modulus length, a multiple of 8 from 2048 to 8192 (default 2048)
  --out <prefix>   write <prefix>.private.pem (mode 600), <prefix>.public.pem and
                   <prefix>.public.jwk.json instead of printing, creating the folder of
                   <prefix> (keys/auth: keys/) if needed; never overwrites a file
  --json           print { "alg", "kid", "privateKeyPem", "publicKeyPem", "publicJwk" }
  -h, --help       show this help

Exit codes: 0 generated, 2 bad arguments or an existing output file.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    expectNoArguments(positionals, 'keygen takes no arguments');
    const alg = readOneAlgorithm(values.alg);
    const modulusLength = readBits(values.bits);
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      ...(values.kid === undefined ? {} : { kid: values.kid }),
      ...(modulusLength === undefined ? {} : { modulusLength }),
    });
    const kid = publicKey.kid as string;
    const privateKeyPem = privateKey.keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKeyPem = publicKey.keyObject.export({ type: 'spki', format: 'pem' }).toString();
    const publicJwk: JWK = { ...exportJWK(publicKey), use: 'sig' };
    if (values.out !== undefined) {
      const paths = {
        privateKey: `${values.out}.private.pem`,
        publicKey: `${values.out}.public.pem`,
        publicJwk: `${values.out}.public.jwk.json`,
      };
      createParentDirectory(values.out);
      writeNewFile(paths.privateKey, privateKeyPem, 0o600);
      writeNewFile(paths.publicKey, publicKeyPem, 0o644);
      writeNewFile(paths.publicJwk, toJson(publicJwk), 0o644);
      if (output.json) io.stdout(toJson({ alg, kid, files: paths }));
      else
        io.stdout(
          `${alg} key pair, kid ${kid}:\n  ${paths.privateKey}  (private: keep it secret)\n  ${paths.publicKey}\n  ${paths.publicJwk}\n`,
        );
      return EXIT_OK;
    }
    if (output.json) {
      io.stdout(toJson({ alg, kid, privateKeyPem, publicKeyPem, publicJwk }));
    } else {
      io.stdout(
        `# ${alg} key pair, kid ${kid}\n# Private key (PKCS#8): keep it secret\n${privateKeyPem}` +
          `# Public key (SPKI)\n${publicKeyPem}# Public JWK (for a JWKS)\n${toJson(publicJwk)}`,
      );
    }
    return EXIT_OK;
  },
};
