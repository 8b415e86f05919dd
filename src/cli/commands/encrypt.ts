import { encrypt } from '../../jwe/encrypt.js';
import { toEncryptionKey } from '../../jwe/key.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { toJson } from '../format.js';
import { loadJweKey, readContentEncryptionAlgorithms, readKeyManagementAlgorithm } from '../load-jwe-key.js';
import { JwtError } from '../../errors.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  key: { type: 'string' },
  'secret-env': { type: 'string' },
  'secret-encoding': { type: 'string' },
  'passphrase-env': { type: 'string' },
  alg: { type: 'string' },
  enc: { type: 'string' },
  kid: { type: 'string' },
  typ: { type: 'string' },
  cty: { type: 'string' },
  'allow-rsa-oaep-sha1': { type: 'boolean' },
} as const;

/** `jwtkit encrypt`: encrypts text (or standard input) as a compact JWE. */
export const encryptCommand: CliCommand = {
  name: 'encrypt',
  summary: 'Encrypt text as a compact JWE to a public key or a secret',
  help: `Usage: jwtkit encrypt <text|-> --alg <alg> --enc <enc> (--key <file> | --secret-env <NAME>) [options]

Encrypts the text (or standard input, with -) as a compact JWE. A fresh content key
and IV are made for each token; neither is ever printed.

Arguments:
  <text|->                 the plaintext, or - to read it from standard input

Key (exactly one):
  --key <file>             a PEM or JWK public key (RSA-OAEP*, ECDH-ES*); a private key
                           encrypts to its public half
  --secret-env <NAME>      a secret (dir, A128KW, A192KW, A256KW) in variable NAME
  --secret-encoding <enc>  how NAME encodes it: base64url (default), utf8 or hex
  --passphrase-env <NAME>  the passphrase of an encrypted PEM private key

Options:
  --alg <alg>              the key management algorithm (required): dir, A128KW, A192KW,
                           A256KW, RSA-OAEP-256, RSA-OAEP, ECDH-ES, ECDH-ES+A128KW, ...
  --enc <enc>              the content encryption algorithm (required): A128GCM, A256GCM,
                           A128CBC-HS256, A256CBC-HS512, ...
  --kid <kid>              the kid header (default: the JWK's kid)
  --typ <typ>              the typ header
  --cty <cty>              the cty header (JWT for a nested JWT)
  --allow-rsa-oaep-sha1    allow --alg RSA-OAEP (SHA-1)
  --json                   print { "token" }
  -h, --help               show this help

Exit codes: 0 encrypted, 2 bad arguments or key.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    const alg = readKeyManagementAlgorithm(values.alg);
    const [enc, ...others] = readContentEncryptionAlgorithms(values.enc === undefined ? undefined : [values.enc]);
    if (enc === undefined || others.length > 0) throw new JwtError('ERR_INVALID_OPTION', '--enc takes one algorithm');
    if (positionals.length !== 1) throw new JwtError('ERR_INVALID_OPTION', 'give the text to encrypt, or - to read it from standard input');
    const plaintext = positionals[0] === '-' ? await io.readStdin() : (positionals[0] as string);
    const key = loadJweKey(
      {
        key: values.key,
        secretEnv: values['secret-env'],
        secretEncoding: values['secret-encoding'],
        passphraseEnv: values['passphrase-env'],
      },
      alg,
      [enc],
      io.env,
    );
    const token = await encrypt(plaintext, key.type === 'private' ? toEncryptionKey(key) : key, {
      ...(alg === 'dir' ? {} : { enc }),
      ...(values.kid === undefined ? {} : { kid: values.kid }),
      ...(values.typ === undefined ? {} : { typ: values.typ }),
      ...(values.cty === undefined ? {} : { cty: values.cty }),
      ...(values['allow-rsa-oaep-sha1'] === true ? { allowRsaOaepSha1: true } : {}),
    });
    io.stdout(output.json ? toJson({ token }) : `${token}\n`);
    return EXIT_OK;
  },
};
