import { parseArgs, type ParseArgsConfig } from 'node:util';
import { JwtError } from '../errors.js';
import type { CliIo } from './io.js';

/** One `jwtkit <command>`. */
export interface CliCommand {
  /** The word after `jwtkit`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The text `jwtkit <command> --help` prints. */
  readonly help: string;
  /** Runs the command; returns the exit code. Throws a `JwtError` when it cannot run (exit 2). */
  readonly run: (args: readonly string[], io: CliIo, output: CliOutput) => Promise<number>;
}

/** How the command reports: as text for people, or one JSON document (`--json`). */
export interface CliOutput {
  /** Whether `--json` was given. */
  readonly json: boolean;
}

/** The options every command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `node:util` `parseArgs` in strict mode, with its errors (unknown option, missing value, ...)
 * turned into `ERR_INVALID_OPTION`.
 */
export function parseCommandArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'the arguments could not be read';
    throw new JwtError('ERR_INVALID_OPTION', message, { cause: error });
  }
}
