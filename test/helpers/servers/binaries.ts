/**
 * Finds the database server binaries the store tests start themselves. A missing binary is a
 * reason to skip (locally) or to fail (with CI=true): see `describeWithServer`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where a server binary was found, or why it was not. */
export type BinaryLookup = { found: true; path: string } | { found: false; reason: string };

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `redis-server` from `REDIS_SERVER` or the PATH. */
export function findRedisServer(): BinaryLookup {
  const fromEnv = process.env.REDIS_SERVER;
  if (fromEnv !== undefined && fromEnv !== '') {
    return existsSync(fromEnv) ? { found: true, path: fromEnv } : { found: false, reason: `REDIS_SERVER=${fromEnv} does not exist` };
  }
  const path = findOnPath('redis-server');
  return path === undefined
    ? { found: false, reason: 'redis-server is not installed (apt-get install redis-server)' }
    : { found: true, path };
}

function pgConfigBindir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function hasServerBinaries(dir: string | undefined): dir is string {
  return dir !== undefined && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
}

/** The directory holding `initdb` and `postgres`: `PG_BINDIR`, `pg_config --bindir`, /usr/lib/postgresql/N/bin, the PATH. */
export function findPostgresBindir(): BinaryLookup {
  const fromEnv = process.env.PG_BINDIR;
  if (fromEnv !== undefined && fromEnv !== '') {
    return hasServerBinaries(fromEnv)
      ? { found: true, path: fromEnv }
      : { found: false, reason: `PG_BINDIR=${fromEnv} has no initdb/postgres` };
  }
  const candidates: (string | undefined)[] = [pgConfigBindir()];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(join('/usr/lib/postgresql', version, 'bin'));
  }
  const initdb = findOnPath('initdb');
  if (initdb !== undefined) candidates.push(join(initdb, '..'));
  for (const dir of candidates) if (hasServerBinaries(dir)) return { found: true, path: dir };
  return { found: false, reason: 'PostgreSQL server binaries (initdb, postgres) are not installed (apt-get install postgresql)' };
}
