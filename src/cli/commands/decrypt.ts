import { isUtf8 } from 'node:buffer';
import { decrypt } from '../../jwe/decrypt.js';
import { readToken } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK, EXIT_REJECTED, EXIT_USAGE } from '../exit-codes.js';
import { describeError, reportOf, toJson } from '../format.js';
import { loadJweKey, readContentEncryptionAlgorithms, readKeyManagementAlgorithm } from '../load-jwe-key.js';
import { escapeUnsafeText } from '../safe-text.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  key: { type: 'string' },
  'secret-env': { type: 'string' },
  'secret-encoding': { type: 'string' },
  'passphrase-env': { type: 'string' },
  alg: { type: 'string' },
  enc: { type: 'string', multiple: true },
  'allow-rsa-oaep-sha1': { type: 'boolean' },
} as const;

/** `jwtkit decrypt`: decrypts a compact JWE, exit code 0 or 1. */
export const decryptCommand: CliCommand = {
  name: 'decrypt',
  summary: 'Decrypt a compact JWE with its private key or secret (exit 0 decrypted, 1 rejected)',
  help: `Usage: jwtkit decrypt <token|-> --alg <alg> --enc <enc> (--key <file> | --secret-env <NAME>) [options]

Decrypts a compact JWE exactly as jwtkit's decrypt() does and prints its protected
header and plaintext. The content key is never printed. A nested JWT (cty JWT) is
printed as the inner token: check it with \`jwtkit verify\`.

Arguments:
  <token|->                the compact JWE, or - to read it from standard input

Key (exactly one):
  --key <file>             a PEM or JWK private key (RSA-OAEP*, ECDH-ES*)
  --secret-env <NAME>      a secret (dir, A128KW, A192KW, A256KW) in variable NAME
  --secret-encoding <enc>  how NAME encodes it: base64url (default), utf8 or hex
  --passphrase-env <NAME>  the passphrase of an encrypted PEM private key

Options:
  --alg <alg>              the accepted key management algorithm, the key's (required)
  --enc <enc>              an accepted content encryption algorithm; repeat or
                           comma-separate for several (required; exactly one with dir)
  --allow-rsa-oaep-sha1    accept --alg RSA-OAEP (SHA-1)
  --json                   print { "decrypted", "header", "plaintext" } (plaintext as
                           text, or "plaintextBase64url" when it is not UTF-8), or
                           { "decrypted": false, "error": { "code", ... } }
  -h, --help               show this help

Exit codes: 0 decrypted, 1 rejected (the error code is printed), 2 bad arguments or key.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    const alg = readKeyManagementAlgorithm(values.alg);
    const enc = readContentEncryptionAlgorithms(values.enc);
    const token = await readToken(positionals, io);
    const key = loadJweKey(
      {
        key: values.key,
        secretEnv: values['secret-env'],
        secretEncoding: values['secret-encoding'],
        passphraseEnv: values['passphrase-env'],
      },
      alg,
      enc,
      io.env,
    );
    let result: Awaited<ReturnType<typeof decrypt>>;
    try {
      result = await decrypt(token, key, {
        keyManagementAlgorithms: [alg],
        contentEncryptionAlgorithms: enc,
        ...(values['allow-rsa-oaep-sha1'] === true ? { allowRsaOaepSha1: true } : {}),
      });
    } catch (error) {
      const report = reportOf(error);
      if (output.json) io.stdout(toJson({ decrypted: false, error: report }));
      else io.stderr(`REJECTED ${describeError(report)}`);
      return report.code === 'ERR_INVALID_OPTION' || report.code === 'ERR_KEY_INVALID' ? EXIT_USAGE : EXIT_REJECTED;
    }
    const bytes = Buffer.from(result.plaintext);
    const text = isUtf8(bytes) ? bytes.toString('utf8') : undefined;
    if (output.json) {
      io.stdout(
        toJson({
          decrypted: true,
          header: result.header,
          ...(text === undefined ? { plaintextBase64url: bytes.toString('base64url') } : { plaintext: text }),
        }),
      );
    } else {
      const shown = text === undefined ? `(not UTF-8; base64url) ${bytes.toString('base64url')}` : escapeUnsafeText(text);
      io.stdout(`DECRYPTED (${result.header.alg}, ${result.header.enc}).\n\nHeader:\n${toJson(result.header)}\nPlaintext:\n${shown}\n`);
    }
    return EXIT_OK;
  },
};
