/**
 * Refresh-token families (store contract v2) for the Redis store tests, and records of contract v1
 * written as the previous version of the Redis store wrote them.
 */
import type { LegacyRefreshTokenRecord } from '../../../src/testing/index.js';

/** Sends one raw command (node-redis or ioredis client). */
export type RawRedis = (...args: string[]) => Promise<unknown>;

/** The raw command sender of a node-redis or ioredis client. */
export function rawRedis(client: unknown): RawRedis {
  const candidate = client as {
    call?: (command: string, args: string[]) => Promise<unknown>;
    sendCommand?: (args: string[]) => Promise<unknown>;
  };
  if (typeof candidate.call === 'function')
    return (...args) => (candidate.call as NonNullable<typeof candidate.call>).call(client, args[0] as string, args.slice(1));
  return (...args) => (candidate.sendCommand as NonNullable<typeof candidate.sendCommand>).call(client, args);
}

/**
 * Writes a record of contract v1 under `keyPrefix` as the INSERT script of that version did (its
 * token hash, the family's `subject`, the family's token set, the subject's family set, the expiry
 * index; TTL `expiresAt - createdAt`, at least 1 s), plus `used` when the record was rotated.
 */
export async function insertLegacyRecord(raw: RawRedis, keyPrefix: string, record: LegacyRefreshTokenRecord): Promise<void> {
  const ttl = String(Math.max(1, record.expiresAt - record.createdAt));
  const token = `${keyPrefix}rt:token:${record.hash}`;
  await raw(
    'HSET',
    token,
    'subject',
    record.subject,
    'family',
    record.familyId,
    'parent',
    record.parentHash ?? '',
    'created',
    String(record.createdAt),
    'expires',
    String(record.expiresAt),
    'idle',
    record.idleExpiresAt === null ? '' : String(record.idleExpiresAt),
    'claims',
    JSON.stringify(record.claims),
    ...(record.usedAt === null ? [] : ['used', String(record.usedAt)]),
  );
  await raw('EXPIRE', token, ttl);
  const extend = async (key: string) => {
    if (Number(await raw('TTL', key)) < Number(ttl)) await raw('EXPIRE', key, ttl);
  };
  const family = `${keyPrefix}rt:family:${record.familyId}`;
  await raw('HSETNX', family, 'subject', record.subject);
  await extend(family);
  const tokens = `${keyPrefix}rt:family-tokens:${record.familyId}`;
  await raw('SADD', tokens, record.hash);
  await extend(tokens);
  const subject = `${keyPrefix}rt:subject:${record.subject}`;
  await raw('SADD', subject, record.familyId);
  await extend(subject);
  await raw('ZADD', `${keyPrefix}rt:expiry`, String(record.expiresAt), record.hash);
}
