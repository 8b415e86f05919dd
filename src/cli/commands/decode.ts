import { JwtError } from '../../errors.js';
import { decode } from '../../jwt/decode.js';
import { readToken } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK, EXIT_REJECTED } from '../exit-codes.js';
import { describeError, describeTimes, reportOf, timesOf, toJson } from '../format.js';

const WARNING = 'UNVERIFIED: the signature and the claims were NOT checked. Do not trust this content; use `jwtkit verify`.';

/** `jwtkit decode`: shows a token's header and payload without verifying anything. */
export const decodeCommand: CliCommand = {
  name: 'decode',
  summary: 'Show the header and payload of a token, UNVERIFIED',
  help: `Usage: jwtkit decode <token|-> [--json]

Prints the protected header and the payload of a JWT, with its times (iat, nbf, exp)
as ISO 8601 dates. Nothing is verified: the output is marked UNVERIFIED. The token
never leaves this machine.

Arguments:
  <token|->   the compact JWT, or - to read it from standard input (keeps it out of
              the shell history); without a "Bearer " prefix (refused, exit 2)

Options:
  --json      print one JSON document: { "verified": false, "header", "payload", "times" }
  -h, --help  show this help

An encrypted token (JWE, five segments) cannot be decoded without its key: use
\`jwtkit decrypt\`.

Exit codes: 0 decoded, 1 malformed or encrypted token, 2 bad arguments (a "Bearer " prefix too).
`,
  async run(args, io, output) {
    const { positionals } = parseCommandArgs({ args: [...args], options: COMMON_OPTIONS, allowPositionals: true, strict: true });
    const token = await readToken(positionals, io);
    let decoded: ReturnType<typeof decode>;
    try {
      // A compact JWE (RFC 7516 §7.1) has five segments: its payload is encrypted.
      if (token.split('.').length === 5) {
        throw new JwtError(
          'ERR_JWT_MALFORMED',
          'this is an encrypted token (JWE): it cannot be decoded without its key; use `jwtkit decrypt`',
        );
      }
      decoded = decode(token);
    } catch (error) {
      const report = reportOf(error);
      if (output.json) io.stdout(toJson({ verified: false, error: report }));
      else io.stderr(`jwtkit decode: ${describeError(report)}`);
      return EXIT_REJECTED;
    }
    const { header, payload } = decoded;
    if (output.json) {
      io.stdout(toJson({ verified: false, header, payload, times: timesOf(payload) }));
    } else {
      io.stdout(`${WARNING}\n\nHeader:\n${toJson(header)}\nPayload:\n${toJson(payload)}`);
      const times = describeTimes(payload, io.now());
      if (times !== '') io.stdout(`\n${times}`);
    }
    return EXIT_OK;
  },
};
