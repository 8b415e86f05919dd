// A worker process of the multi-process test (bundled by esbuild, run with child_process.fork): a
// token service on a store shared with the other workers, driven by messages from the test.
import { createSecretKey } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { createClient, createCluster } from 'redis';
import type { JwtClaims } from '../../../src/jwt/types.js';
import { PostgresRefreshTokenStore, PostgresRevocationStore } from '../../../src/stores/postgres/index.js';
import { RedisRefreshTokenStore, RedisRevocationStore } from '../../../src/stores/redis/index.js';
import { createRevocationCheck } from '../../../src/tokens/revocation-check.js';
import { createTokenService } from '../../../src/tokens/token-service.js';
import type { RefreshTokenStore, RevocationStore } from '../../../src/tokens/store.js';

/** How the test configures a worker (JSON in the JWTKIT_WORKER environment variable). */
export interface WorkerConfig {
  backend: 'node-redis' | 'ioredis' | 'node-redis-cluster' | 'ioredis-cluster' | 'postgres';
  /** Redis port, or PostgreSQL connection string. */
  port?: number;
  /** The ports of the Redis Cluster's masters (for the cluster backends). */
  ports?: number[];
  url?: string;
  keyPrefix?: string;
  /** The HMAC key shared by every process, Base64Url. */
  secret: string;
  reuseGraceSeconds: number;
}

/** Messages from the test. */
export type WorkerRequest =
  | { id: number; type: 'refresh'; tokens: string[] }
  | { id: number; type: 'isRevoked'; payload: JwtClaims }
  | { id: number; type: 'clock'; offsetSeconds: number }
  | { id: number; type: 'close' };

/** One refresh's result. */
export type RefreshResult = { ok: true; refreshToken: string } | { ok: false; code: string };

const config = JSON.parse(process.env['JWTKIT_WORKER'] ?? '{}') as WorkerConfig;
let close: () => Promise<void>;
let store: RefreshTokenStore;
let revocationStore: RevocationStore;

if (config.backend === 'postgres') {
  const pool = new pg.Pool({ connectionString: config.url, max: 5 });
  pool.on('error', () => undefined);
  store = new PostgresRefreshTokenStore({ client: pool });
  revocationStore = new PostgresRevocationStore({ client: pool });
  close = () => pool.end();
} else if (config.backend === 'node-redis-cluster') {
  const seeds = (config.ports as number[]).map((port) => ({ socket: { host: '127.0.0.1', port } }));
  const client = createCluster({ rootNodes: seeds, defaults: { disableOfflineQueue: true } });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisRefreshTokenStore({ client, keyPrefix: config.keyPrefix as string });
  revocationStore = new RedisRevocationStore({ client, keyPrefix: config.keyPrefix as string });
  close = async () => client.destroy();
} else if (config.backend === 'ioredis-cluster') {
  const seeds = (config.ports as number[]).map((port) => ({ host: '127.0.0.1', port }));
  const client = new Cluster(seeds, { enableOfflineQueue: false, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisRefreshTokenStore({ client, keyPrefix: config.keyPrefix as string });
  revocationStore = new RedisRevocationStore({ client, keyPrefix: config.keyPrefix as string });
  close = async () => client.disconnect();
} else if (config.backend === 'node-redis') {
  const client = createClient({ socket: { host: '127.0.0.1', port: config.port as number }, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisRefreshTokenStore({ client, keyPrefix: config.keyPrefix as string });
  revocationStore = new RedisRevocationStore({ client, keyPrefix: config.keyPrefix as string });
  close = async () => client.destroy();
} else {
  const client = new Redis({ host: '127.0.0.1', port: config.port as number, enableOfflineQueue: false, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisRefreshTokenStore({ client, keyPrefix: config.keyPrefix as string });
  revocationStore = new RedisRevocationStore({ client, keyPrefix: config.keyPrefix as string });
  close = async () => client.disconnect();
}

let offsetMs = 0;
const service = createTokenService({
  key: createSecretKey(Buffer.from(config.secret, 'base64url')),
  alg: 'HS256',
  issuer: 'https://issuer.test',
  audience: 'https://api.test',
  store,
  revocationStore,
  reuseGrace: config.reuseGraceSeconds,
  clock: () => new Date(Date.now() + offsetMs),
});
// This process as a resource server: the shared revocation store, read through the adapters' hook.
const isRevoked = createRevocationCheck(revocationStore, { clock: () => new Date(Date.now() + offsetMs) });

process.on('message', (message: WorkerRequest) => {
  void (async () => {
    switch (message.type) {
      case 'refresh': {
        const results = await Promise.all(
          message.tokens.map((token) =>
            service.refresh(token).then(
              (pair): RefreshResult => ({ ok: true, refreshToken: pair.refreshToken }),
              (error: unknown): RefreshResult => ({ ok: false, code: String((error as { code?: unknown }).code) }),
            ),
          ),
        );
        process.send?.({ id: message.id, results });
        break;
      }
      case 'isRevoked':
        process.send?.({ id: message.id, revoked: await isRevoked(message.payload) });
        break;
      case 'clock':
        offsetMs = message.offsetSeconds * 1000;
        process.send?.({ id: message.id });
        break;
      case 'close':
        await close();
        process.send?.({ id: message.id }, () => process.exit(0));
        break;
    }
  })();
});
process.send?.({ ready: true });
