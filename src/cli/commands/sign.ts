import { decode } from '../../jwt/decode.js';
import { sign } from '../../jwt/sign.js';
import type { SignOptions } from '../../jwt/types.js';
import { expectNoArguments, readDuration, readJsonObject, readOneAlgorithm } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { toJson } from '../format.js';
import { loadSigningKey } from '../load-key.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  key: { type: 'string' },
  'secret-env': { type: 'string' },
  'secret-encoding': { type: 'string' },
  'passphrase-env': { type: 'string' },
  alg: { type: 'string' },
  claims: { type: 'string' },
  exp: { type: 'string' },
  nbf: { type: 'string' },
  iss: { type: 'string' },
  sub: { type: 'string' },
  aud: { type: 'string', multiple: true },
  jti: { type: 'string' },
  kid: { type: 'string' },
  typ: { type: 'string' },
  'no-iat': { type: 'boolean' },
} as const;

/** `jwtkit sign`: signs a JWT with a key file or a secret from the environment. */
export const signCommand: CliCommand = {
  name: 'sign',
  summary: 'Sign a JWT',
  help: `Usage: jwtkit sign --alg <alg> (--key <file> | --secret-env <NAME>) [options]

Signs a JWT with jwtkit's sign() and prints it. iat is set to now.

Key (exactly one):
  --key <file>             a PEM private key or a private JWK, or an HMAC secret as an
                           oct JWK (what \`jwtkit secret\` prints)
  --passphrase-env <NAME>  the passphrase of an encrypted PEM key, in variable NAME
  --secret-env <NAME>      an HMAC secret in environment variable NAME, as
                           \`jwtkit secret --base64url\` prints it
  --secret-encoding <enc>  how NAME encodes it: base64url (default), utf8 (the
                           variable's text is the secret) or hex

Options:
  --alg <alg>              the algorithm (required: there is no default)
  --claims <json|->        the payload as a JSON object, or - for standard input
                           (default {})
  --exp <duration>         expiry from now, with a unit: 30s, 15m, 1h, 7d (default: no exp)
  --nbf <duration>         not-before from now, with a unit (default: no nbf)
  --iss, --sub, --jti      the iss, sub and jti claims
  --aud <audience>         the aud claim (repeat for several)
  --kid <kid>              the kid header (default: the key's kid; for a private key
                           without one, its RFC 7638 thumbprint)
  --typ <type>             the typ header (default JWT)
  --no-iat                 leave iat out
  --json                   print { "token", "header", "payload" }
  -h, --help               show this help

Exit codes: 0 signed, 2 bad arguments or key.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    expectNoArguments(positionals, 'sign takes no arguments: give the payload with --claims');
    const alg = readOneAlgorithm(values.alg);
    const payload = values.claims === undefined ? {} : await readJsonObject(values.claims, '--claims', io);
    const key = loadSigningKey(
      {
        key: values.key,
        secretEnv: values['secret-env'],
        secretEncoding: values['secret-encoding'],
        passphraseEnv: values['passphrase-env'],
      },
      alg,
      io.env,
      values.kid,
    );
    const options: SignOptions = { alg, clock: io.now };
    const expiresIn = readDuration(values.exp, '--exp');
    if (expiresIn !== undefined) options.expiresIn = expiresIn;
    const notBefore = readDuration(values.nbf, '--nbf');
    if (notBefore !== undefined) options.notBefore = notBefore;
    if (values.iss !== undefined) options.issuer = values.iss;
    if (values.sub !== undefined) options.subject = values.sub;
    if (values.aud !== undefined) options.audience = values.aud.length === 1 ? (values.aud[0] as string) : values.aud;
    if (values.jti !== undefined) options.jwtId = values.jti;
    if (values.typ !== undefined) options.typ = values.typ;
    if (values['no-iat'] === true) options.iat = false;
    const token = await sign(payload, key, options);
    if (output.json) {
      const { header, payload: claims } = decode(token);
      io.stdout(toJson({ token, header, payload: claims }));
    } else {
      io.stdout(`${token}\n`);
    }
    return EXIT_OK;
  },
};
