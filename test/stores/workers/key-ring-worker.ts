// A worker process of the shared key ring test (bundled by esbuild, run with child_process.fork):
// one auth-server instance with a shared key ring on Redis or PostgreSQL, a token service signing
// with it, and its JWKS endpoint on 127.0.0.1, driven by messages from the test.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { createJWKSEndpoint } from '../../../src/adapters/express/endpoints.js';
import { decode } from '../../../src/jwt/decode.js';
import { createSharedKeyRing, type SharedKeyRing } from '../../../src/keys/shared-key-ring.js';
import type { KeyRingStore } from '../../../src/keys/key-ring-store.js';
import { PostgresKeyRingStore } from '../../../src/stores/postgres/index.js';
import { RedisKeyRingStore } from '../../../src/stores/redis/index.js';
import { createTokenService } from '../../../src/tokens/token-service.js';

/** How the test configures a worker (JSON in the JWTKIT_WORKER environment variable). */
export interface KeyRingWorkerConfig {
  backend: 'node-redis' | 'ioredis' | 'postgres';
  /** Redis port, or PostgreSQL connection string. */
  port?: number;
  url?: string;
  ringId: string;
  /** The key-encryption key, Base64Url of 32 bytes. */
  kek: string;
  /** Seconds. */
  refreshEvery: number;
  jwksCacheMaxAge: number;
  publishBefore: number;
  rotateEvery?: number;
  maxTokenLifetime: number;
  accessTokenTtl: number;
}

/** Messages from the test. */
export type KeyRingWorkerRequest =
  { id: number; type: 'start' } | { id: number; type: 'issue' } | { id: number; type: 'rotate' } | { id: number; type: 'close' };

/** Replies. */
export type StartReply = { ok: true; jwksUrl: string } | { ok: false; code: string };
export type IssueReply = { ok: true; token: string; kid: string } | { ok: false; code: string };

const ISSUER = 'https://auth.test';
const AUDIENCE = 'https://api.test';

const config = JSON.parse(process.env['JWTKIT_WORKER'] ?? '{}') as KeyRingWorkerConfig;
let closeClient: () => Promise<void>;
let store: KeyRingStore;

if (config.backend === 'postgres') {
  const pool = new pg.Pool({ connectionString: config.url, max: 3 });
  pool.on('error', () => undefined);
  store = new PostgresKeyRingStore({ client: pool });
  closeClient = () => pool.end();
} else if (config.backend === 'node-redis') {
  const client = createClient({ socket: { host: '127.0.0.1', port: config.port as number }, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisKeyRingStore({ client });
  closeClient = async () => client.destroy();
} else {
  const client = new Redis({ host: '127.0.0.1', port: config.port as number, enableOfflineQueue: false, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  store = new RedisKeyRingStore({ client });
  closeClient = async () => client.disconnect();
}

let ring: SharedKeyRing | undefined;
let server: Server | undefined;
let issue: () => Promise<string>;

const codeOf = (error: unknown): string => String((error as { code?: unknown }).code ?? error);

async function start(): Promise<StartReply> {
  try {
    ring = await createSharedKeyRing({
      store,
      ringId: config.ringId,
      kek: { id: 'kek-1', key: Buffer.from(config.kek, 'base64url') },
      alg: 'ES256',
      refreshEvery: config.refreshEvery,
      jwksCacheMaxAge: config.jwksCacheMaxAge,
      publishBefore: config.publishBefore,
      maxTokenLifetime: config.maxTokenLifetime,
      ...(config.rotateEvery === undefined ? {} : { rotateEvery: config.rotateEvery }),
    });
  } catch (error) {
    return { ok: false, code: codeOf(error) };
  }
  const tokens = createTokenService({ key: ring, issuer: ISSUER, audience: AUDIENCE, accessTokenTtl: config.accessTokenTtl });
  issue = async () => (await tokens.issue('user-1')).accessToken;
  const shared = ring;
  const jwks = createJWKSEndpoint({ jwks: () => shared.jwks(), cacheMaxAge: shared.jwksCacheMaxAge });
  server = createServer(jwks);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { ok: true, jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json` };
}

process.on('message', (message: KeyRingWorkerRequest) => {
  void (async () => {
    switch (message.type) {
      case 'start':
        process.send?.({ id: message.id, ...(await start()) });
        break;
      case 'issue': {
        let reply: IssueReply;
        try {
          const token = await issue();
          reply = { ok: true, token, kid: decode(token).header.kid as string };
        } catch (error) {
          reply = { ok: false, code: codeOf(error) };
        }
        process.send?.({ id: message.id, ...reply });
        break;
      }
      case 'rotate':
        try {
          process.send?.({ id: message.id, ok: true, rotated: await (ring as SharedKeyRing).rotate() });
        } catch (error) {
          process.send?.({ id: message.id, ok: false, code: codeOf(error) });
        }
        break;
      case 'close':
        ring?.close();
        server?.close();
        await closeClient();
        process.send?.({ id: message.id }, () => process.exit(0));
        break;
    }
  })();
});
process.send?.({ ready: true });
