import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './command.js';
import { decodeCommand } from './commands/decode.js';
import { decryptCommand } from './commands/decrypt.js';
import { encryptCommand } from './commands/encrypt.js';
import { jwksCommand } from './commands/jwks.js';
import { keygenCommand } from './commands/keygen.js';
import { secretCommand } from './commands/secret.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { describeError, reportOf, toJson } from './format.js';
import type { CliIo } from './io.js';
import { escapeUnsafeText } from './safe-text.js';

const COMMANDS: readonly CliCommand[] = [
  decodeCommand,
  verifyCommand,
  signCommand,
  keygenCommand,
  secretCommand,
  jwksCommand,
  encryptCommand,
  decryptCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: jwtkit <command> [options]

JSON Web Tokens from the command line. Tokens are never sent anywhere: the only
request jwtkit makes is \`verify --key <url>\`, which fetches that key set.

Commands:
${lines.join('\n')}

Every command takes --help and --json. Exit codes: 0 done, 1 token rejected,
2 bad arguments, file or key.

Run \`jwtkit <command> --help\` for its options.
`;
}

/** The version in the package.json next to the built file (dist/cli.js) or above the source. */
function packageVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'jwtkit' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not here: look one directory up
    }
    directory = dirname(directory);
  }
  return 'unknown';
}

/** Whether the arguments ask for help (before a `--` that ends the options). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Runs `jwtkit <args>` and returns the exit code. It never throws: a command that cannot run
 * (a `JwtError` such as `ERR_INVALID_OPTION`) is reported on standard error, or as
 * `{ "error": { "code", ... } }` on standard output with `--json`, with exit code 2.
 * Everything written goes through {@link escapeUnsafeText}: a token's claims and header, and any
 * text quoting them, cannot reach the terminal as control or bidirectional characters.
 */
export async function runCli(args: readonly string[], processIo: CliIo): Promise<number> {
  const io: CliIo = {
    ...processIo,
    stdout: (text) => processIo.stdout(escapeUnsafeText(text)),
    stderr: (text) => processIo.stderr(escapeUnsafeText(text)),
  };
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    if (name === undefined) {
      io.stderr(overview());
      return EXIT_USAGE;
    }
    io.stdout(topic?.help ?? overview());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    // Echo only what looks like a command word: a pasted token must not be printed back.
    const shown = /^[a-z][a-z-]{0,20}$/.test(name) ? ` "${name}"` : '';
    io.stderr(`jwtkit: unknown command${shown}\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    io.stdout(command.help);
    return EXIT_OK;
  }
  const json = rest.includes('--json');
  try {
    return await command.run(rest, io, { json });
  } catch (error) {
    const report = reportOf(error);
    if (json) io.stdout(toJson({ error: report }));
    else io.stderr(`jwtkit ${command.name}: ${describeError(report)}Run \`jwtkit ${command.name} --help\` for usage.\n`);
    return EXIT_USAGE;
  }
}
