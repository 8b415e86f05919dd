import { readFileSync } from 'node:fs';
import { JwtError } from '../errors.js';
import { durationToSeconds } from '../internal/duration.js';
import { JWS_ALGORITHMS } from '../jws/algorithms.js';
import { BEARER_PREFIX_FIX, hasBearerPrefix } from '../jws/token-near-miss.js';
import type { JwsAlgorithm } from '../jws/types.js';
import type { CliIo } from './io.js';

/** Reads `--alg` values (repeated or comma-separated) as algorithms; none when absent. */
export function readAlgorithms(values: readonly string[] | undefined): JwsAlgorithm[] {
  const names = (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim());
  for (const name of names) {
    if (!(JWS_ALGORITHMS as readonly string[]).includes(name)) {
      throw new JwtError('ERR_INVALID_OPTION', `--alg must be one of ${JWS_ALGORITHMS.join(', ')}`);
    }
  }
  return [...new Set(names as JwsAlgorithm[])];
}

/** Reads the one algorithm a command needs (`sign`, `keygen`, `secret`). */
export function readOneAlgorithm(values: readonly string[] | string | undefined): JwsAlgorithm {
  const algorithms = readAlgorithms(typeof values === 'string' ? [values] : values);
  if (algorithms.length !== 1) throw new JwtError('ERR_INVALID_OPTION', '--alg is required, exactly once (e.g. --alg ES256)');
  return algorithms[0] as JwsAlgorithm;
}

/** A duration flag (`--exp 15m`) in seconds. A unit is required, as in the library: `'900s'`, not `'900'`. */
export function readDuration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) throw new JwtError('ERR_INVALID_OPTION', `${flag} needs a unit: ${value}s, or 15m, 1h, 7d`);
  return durationToSeconds(value, flag);
}

/** A flag holding a plain number of seconds, such as `--clock-tolerance 5`. */
export function readSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,6}$/.test(value)) throw new JwtError('ERR_INVALID_OPTION', `${flag} must be a whole number of seconds`);
  return Number(value);
}

/** The text of a file named by a flag; a missing or unreadable file is a usage error. */
export function readTextFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code;
    throw new JwtError('ERR_INVALID_OPTION', `${flag}: cannot read ${path}${typeof reason === 'string' ? ` (${reason})` : ''}`, {
      cause: error,
    });
  }
}

/**
 * The token a command works on: the one positional argument, or standard input when it is `-`
 * (safer: a token on the command line lands in the shell history and the process list).
 * A token pasted with its `Bearer ` scheme (or a whole `Authorization:` header) is refused as a
 * usage error (exit 2) naming the fix, not stripped: the library refuses it the same way
 * (`ERR_JWT_MALFORMED`, src/jws/token-near-miss.ts), so what works here works in code.
 */
export async function readToken(positionals: readonly string[], io: CliIo): Promise<string> {
  if (positionals.length !== 1) throw new JwtError('ERR_INVALID_OPTION', 'give one token, or - to read it from standard input');
  const argument = positionals[0] as string;
  const token = argument === '-' ? (await io.readStdin()).trim() : argument;
  if (token === '') throw new JwtError('ERR_INVALID_OPTION', 'the token is empty');
  if (hasBearerPrefix(token))
    throw new JwtError('ERR_INVALID_OPTION', `the token starts with "Bearer": ${BEARER_PREFIX_FIX} and pass the token alone`);
  return token;
}

/** Reads a JSON object given inline, or from standard input with `-`. */
export async function readJsonObject(value: string, flag: string, io: CliIo): Promise<Record<string, unknown>> {
  const text = value === '-' ? await io.readStdin() : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', `${flag} must be a JSON object`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new JwtError('ERR_INVALID_OPTION', `${flag} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Refuses positional arguments for a command that takes none. */
export function expectNoArguments(positionals: readonly string[], message: string): void {
  if (positionals.length > 0) throw new JwtError('ERR_INVALID_OPTION', message);
}
