import { JwtError } from '../../errors.js';
import type { VerifyOptions } from '../../jwt/types.js';
import { verify } from '../../jwt/verify.js';
import { readAlgorithms, readDuration, readSeconds, readToken } from '../arguments.js';
import { COMMON_OPTIONS, parseCommandArgs, type CliCommand } from '../command.js';
import { EXIT_OK, EXIT_REJECTED, EXIT_USAGE } from '../exit-codes.js';
import { describeError, describeTimes, reportOf, timesOf, toJson } from '../format.js';
import { loadVerificationKey } from '../load-key.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  key: { type: 'string' },
  'secret-env': { type: 'string' },
  'secret-encoding': { type: 'string' },
  alg: { type: 'string', multiple: true },
  iss: { type: 'string', multiple: true },
  aud: { type: 'string', multiple: true },
  sub: { type: 'string' },
  typ: { type: 'string' },
  'max-age': { type: 'string' },
  'clock-tolerance': { type: 'string' },
  require: { type: 'string', multiple: true },
  'exp-optional': { type: 'boolean' },
} as const;

/**
 * A note for a signature that does not verify with a secret read in the default encoding: in
 * jwtkit 0.1 `--secret-env` read the variable as text, and a script written then fails here.
 */
function secretEncodingHint(code: string, values: { 'secret-env'?: string; 'secret-encoding'?: string }): string {
  if (code !== 'ERR_JWT_SIGNATURE_INVALID' || values['secret-env'] === undefined || values['secret-encoding'] !== undefined) return '';
  return '  --secret-env reads the variable as base64url: if it holds the secret as text, add --secret-encoding utf8\n';
}

/** `jwtkit verify`: checks a token's signature and claims, exit code 0 or 1. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify the signature and claims of a token (exit 0 valid, 1 rejected)',
  help: `Usage: jwtkit verify <token|-> --alg <alg> (--key <file|jwks-url> | --secret-env <NAME>) [options]

Verifies the signature first, then the claims (exp is required unless --exp-optional),
exactly as jwtkit's verify() does. Prints the verified header and payload, or the
error code. Only a JWKS URL is ever fetched: the token is never sent anywhere.

Arguments:
  <token|->                the compact JWT, or - to read it from standard input;
                           without a "Bearer " prefix (refused, exit 2)

Key (exactly one):
  --key <file>             a PEM public key, certificate or private key (its public half
                           is used), a JWK, or a JWKS (JSON) file
  --key <url>              a JWKS URL (https:, or http: on loopback)
  --secret-env <NAME>      an HMAC secret in environment variable NAME, as
                           \`jwtkit secret --base64url\` prints it
  --secret-encoding <enc>  how NAME encodes it: base64url (default), utf8 (the
                           variable's text is the secret) or hex

Options:
  --alg <alg>              an accepted algorithm; repeat or comma-separate for several
                           (required: there is no default)
  --iss <issuer>           expected iss (repeatable: any of them)
  --aud <audience>         expected aud (repeatable: any of them)
  --sub <subject>          expected sub
  --typ <type>             expected typ header (e.g. at+jwt)
  --max-age <duration>     maximum age since iat, with a unit: 30s, 15m, 1h, 7d
  --clock-tolerance <s>    leeway in seconds for exp, nbf and iat (default 5, at most 300)
  --require <claim>        a claim that must be present (repeatable)
  --exp-optional           accept tokens without exp
  --json                   print one JSON document: { "valid", "header", "payload", "times" }
                           or { "valid": false, "error": { "code", ... } }
  -h, --help               show this help

Exit codes: 0 valid, 1 rejected (the error code is printed), 2 bad arguments or key.
`,
  async run(args, io, output) {
    const { values, positionals } = parseCommandArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
    const algorithms = readAlgorithms(values.alg);
    if (algorithms.length === 0) throw new JwtError('ERR_INVALID_OPTION', '--alg is required (e.g. --alg ES256): there is no default');
    const options: VerifyOptions = { algorithms };
    if (values.iss !== undefined) options.issuer = values.iss;
    if (values.aud !== undefined) options.audience = values.aud;
    if (values.sub !== undefined) options.subject = values.sub;
    if (values.typ !== undefined) options.typ = values.typ;
    const maxAge = readDuration(values['max-age'], '--max-age');
    if (maxAge !== undefined) options.maxAge = maxAge;
    const clockTolerance = readSeconds(values['clock-tolerance'], '--clock-tolerance');
    if (clockTolerance !== undefined) options.clockTolerance = clockTolerance;
    if (values.require !== undefined) options.requiredClaims = values.require;
    if (values['exp-optional'] === true) options.requireExp = false;
    const token = await readToken(positionals, io);
    const key = loadVerificationKey(
      { key: values.key, secretEnv: values['secret-env'], secretEncoding: values['secret-encoding'] },
      algorithms,
      io.env,
    );
    let result: Awaited<ReturnType<typeof verify>>;
    try {
      result = await verify(token, key, options);
    } catch (error) {
      const report = reportOf(error);
      if (output.json) io.stdout(toJson({ valid: false, error: report }));
      else io.stderr(`INVALID ${describeError(report)}${secretEncodingHint(report.code, values)}`);
      return report.code === 'ERR_INVALID_OPTION' ? EXIT_USAGE : EXIT_REJECTED;
    }
    const { header, payload } = result;
    if (output.json) {
      io.stdout(toJson({ valid: true, header, payload, times: timesOf(payload) }));
    } else {
      io.stdout(`VALID: signature (${header.alg}) and claims verified.\n\nHeader:\n${toJson(header)}\nPayload:\n${toJson(payload)}`);
      const times = describeTimes(payload, io.now());
      if (times !== '') io.stdout(`\n${times}`);
    }
    return EXIT_OK;
  },
};
