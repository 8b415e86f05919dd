/**
 * `RedisRevocationStore`: the access-token denylist, revoked sessions and per-subject cutoffs in Redis.
 *
 * @module
 */
import type { RevocationStore } from '../../tokens/store.js';
import { stringArgument, timeArgument } from '../shared/record-arguments.js';
import { readStoredInteger } from '../shared/stored-record.js';
import { unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { DELETE_EXPIRED_REVOCATIONS_SCRIPT, REVOKE_ENTRY_SCRIPT, REVOKE_ISSUED_BEFORE_SCRIPT } from './scripts.js';

/** Options of {@link RedisRevocationStore}: see {@link RedisStoreOptions}. */
export interface RedisRevocationStoreOptions extends RedisStoreOptions {}

const DELETE_BATCH = 1000;

/** Parses a time the store wrote; throws `ERR_STORE_UNAVAILABLE` for anything else. */
function readTime(text: unknown): number {
  const seconds = readStoredInteger(text);
  if (seconds === undefined) throw unexpectedReply();
  return seconds;
}

/**
 * A {@link RevocationStore} on Redis (5 or later), over a node-redis or ioredis client you pass:
 * one key per revoked `jti` (`<prefix>revoked:jti:<jti>`), per revoked session
 * (`<prefix>revoked:session:<sid>`) and per subject cutoff (`<prefix>revoked:cutoff:<subject>`),
 * each with a Redis TTL of `expiresAt - now` seconds from the call (extended, never shortened, by a
 * later revocation), so Redis removes them by itself. Each write is one Lua script, so concurrent
 * revocations keep the later expiry and the later cutoff. Three sorted sets index the entries by
 * expiry for `deleteExpired(now)`, which trims them (one small entry per revocation): call it now
 * and then (for example daily).
 * Outages reject with `ERR_STORE_UNAVAILABLE` after `commandTimeout`, and late writes are fenced,
 * as for `RedisRefreshTokenStore`.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createTokenService } from 'jwtkit';
 * import { RedisRevocationStore } from 'jwtkit/redis';
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false });
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, revocationStore: new RedisRevocationStore({ client: redis }) });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` is not a node-redis or ioredis
 * client, or `keyPrefix`/`commandTimeout` is invalid.
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  /**
   * @param options - see {@link RedisRevocationStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: RedisRevocationStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeJti} */
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    await this.#revoke('jti', stringArgument(jti, 'jti'), expiresAt, now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    return this.#isRevoked('jti', stringArgument(jti, 'jti'), now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeSession} */
  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    await this.#revoke('session', stringArgument(sid, 'sid'), expiresAt, now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isSessionRevoked} */
  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    return this.#isRevoked('session', stringArgument(sid, 'sid'), now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    await this.#redis.script(REVOKE_ISSUED_BEFORE_SCRIPT, [
      this.#prefix,
      stringArgument(subject, 'subject'),
      String(timeArgument(cutoff, 'cutoff')),
      String(timeArgument(expiresAt, 'expiresAt')),
      String(timeArgument(now, 'now')),
    ]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.issuedBeforeCutoff} */
  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const at = timeArgument(now, 'now');
    const reply = await this.#redis.command(['GET', `${this.#prefix}revoked:cutoff:${stringArgument(subject, 'subject')}`]);
    if (reply === null || reply === undefined) return null;
    const [cutoff, expiresAt, ...rest] = String(reply).split(' ');
    if (rest.length > 0) throw unexpectedReply();
    return at < readTime(expiresAt) ? readTime(cutoff) : null;
  }

  async #revoke(kind: 'jti' | 'session', id: string, expiresAt: number, now: number): Promise<void> {
    const times = [String(timeArgument(expiresAt, 'expiresAt')), String(timeArgument(now, 'now'))];
    await this.#redis.script(REVOKE_ENTRY_SCRIPT, [this.#prefix, kind, id, ...times]);
  }

  async #isRevoked(kind: 'jti' | 'session', id: string, now: number): Promise<boolean> {
    const at = timeArgument(now, 'now');
    const reply = await this.#redis.command(['GET', `${this.#prefix}revoked:${kind}:${id}`]);
    return reply !== null && reply !== undefined && at < readTime(reply);
  }

  /** {@inheritDoc jwtkit!RevocationStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    const at = String(timeArgument(now, 'now'));
    let removed = 0;
    for (;;) {
      const reply = await this.#redis.script(DELETE_EXPIRED_REVOCATIONS_SCRIPT, [this.#prefix, at, String(DELETE_BATCH)]);
      removed += Number(reply[1]);
      if (Number(reply[2]) < DELETE_BATCH) return removed;
    }
  }
}
