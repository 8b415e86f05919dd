// The `jwtkit` executable (package.json "bin"), built to dist/cli.js. It binds the command runner
// to this process; the runner never throws and never calls process.exit, so output is flushed.
import { readAll } from './io.js';
import { runCli } from './run.js';

// A reader that stops early (`jwtkit decode - | head -1`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

void runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readStdin: () => readAll(process.stdin),
  env: process.env,
  now: () => new Date(),
}).then((code) => {
  process.exitCode = code;
});
