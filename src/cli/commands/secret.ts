import { exportJWK } from '../../keys/export-jwk.js';
import { generateSecret } from '../../keys/generate-secret.js';
import { expectNoArguments, readOneAlgorithm } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { toJson } from '../format.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  alg: { type: 'string' },
  kid: { type: 'string' },
  base64url: { type: 'boolean' },
} as const;

/** `jwtkit secret`: a random HMAC secret as long as the algorithm's hash. */
export const secretCommand: CliCommand = {
  name: 'secret',
  summary: 'Generate a random HMAC secret (HS256/384/512)',
  help: `Usage: jwtkit secret --alg <HS256|HS384|HS512> [--kid <kid>] [--base64url] [--json]

Generates a random secret exactly as long as the algorithm's hash (32, 48 or 64 bytes;
RFC 7518 section 3.2) and prints it as an oct JWK, the form \`jwtkit sign --key\` and
\`jwtkit verify --key\` read. Never use a password as an HMAC secret.

Options:
  --alg <alg>    HS256, HS384 or HS512 (required)
  --kid <kid>    a key id for the JWK (default: none)
  --base64url    print only the secret as base64url, for an environment variable:
                 \`jwtkit sign\` and \`jwtkit verify\` read it with --secret-env NAME
  --json         print { "alg", "bytes", "base64url", "jwk" }
  -h, --help     show this help

Exit codes: 0 generated, 2 bad arguments.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    expectNoArguments(positionals, 'secret takes no arguments');
    const alg = readOneAlgorithm(values.alg);
    const secret = generateSecret(alg, values.kid === undefined ? {} : { kid: values.kid });
    const jwk = exportJWK(secret, { private: true });
    const base64url = jwk.k as string;
    if (output.json) io.stdout(toJson({ alg, bytes: secret.keyObject.symmetricKeySize, base64url, jwk }));
    else if (values.base64url === true) io.stdout(`${base64url}\n`);
    else io.stdout(toJson(jwk));
    return EXIT_OK;
  },
};
