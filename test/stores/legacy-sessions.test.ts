/**
 * Sessions of the first token format (store contract v1) through the token service, after an
 * upgrade, on PGlite: a token rotated before the upgrade is still reuse (its session ends, even
 * before the store gave it a record of contract v2), and a session whose claims carry a `cnf` of
 * jwtkit 0.1 keeps that binding when a DPoP proof is added.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, PostgresRefreshTokenStore, PostgresRevocationStore } from '../../src/stores/postgres/index.js';
import { hashRefreshToken } from '../../src/tokens/opaque.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import type { TokenService } from '../../src/tokens/types.js';
import { insertLegacyRecord } from '../helpers/servers/postgres-families.js';
import { startPglite } from '../helpers/servers/pglite.js';
import { codeOf, legacyRecord, NOW } from '../helpers/servers/records.js';

let database: Awaited<ReturnType<typeof startPglite>>;
let tokens: TokenService;
let store: PostgresRefreshTokenStore;

beforeAll(async () => {
  database = await startPglite();
  await migrate(database.db);
  store = new PostgresRefreshTokenStore({ client: database.db });
  tokens = createTokenService({
    key: createSecretKey(randomBytes(32)),
    alg: 'HS256',
    issuer: 'https://issuer.test',
    audience: 'https://api.test',
    store,
    revocationStore: new PostgresRevocationStore({ client: database.db }),
    clock: () => new Date((NOW + 60) * 1000),
  });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

/** A session of the first format: its first token rotated at NOW + 10, its second current. Returns both tokens. */
async function legacySession(
  claims: Record<string, unknown> = { scope: 'read' },
): Promise<{ used: string; current: string; familyId: string }> {
  const used = randomBytes(32).toString('base64url');
  const current = randomBytes(32).toString('base64url');
  const first = legacyRecord({ hash: hashRefreshToken(used), usedAt: NOW + 10, claims });
  await insertLegacyRecord(database.db, first);
  await insertLegacyRecord(
    database.db,
    legacyRecord({ ...first, hash: hashRefreshToken(current), parentHash: first.hash, createdAt: NOW + 10, usedAt: null }),
  );
  return { used, current, familyId: first.familyId };
}

describe('tokens of the first format after the upgrade', () => {
  it('the current token refreshes, into the new format', async () => {
    const { current, familyId } = await legacySession();
    const pair = await tokens.refresh(current);
    expect(pair.refreshToken.startsWith(`${familyId}.1.`)).toBe(true);
  });

  it('a token rotated before the upgrade is reuse, even before the session was adopted: the session ends', async () => {
    const { used, current } = await legacySession();
    expect(await codeOf(tokens.refresh(used))).toBe('ERR_REFRESH_REUSED');
    expect(await codeOf(tokens.refresh(current))).toBe('ERR_REFRESH_REVOKED');
  });

  it('logout with a token rotated before the upgrade ends the session', async () => {
    const { used, current } = await legacySession();
    expect(await tokens.revoke(used)).toBe(true);
    expect(await codeOf(tokens.refresh(current))).toBe('ERR_REFRESH_REVOKED');
  });

  it('a session whose claims carry a certificate binding keeps it when a DPoP proof is added', async () => {
    const { current } = await legacySession({ cnf: { 'x5t#S256': 'A'.repeat(43) } });
    const jkt = 'B'.repeat(43);
    const pair = await tokens.refresh(current, { dpopThumbprint: jkt });
    const payload = JSON.parse(Buffer.from(pair.accessToken.split('.')[1] as string, 'base64url').toString('utf8')) as { cnf: unknown };
    expect(payload.cnf).toEqual({ 'x5t#S256': 'A'.repeat(43), jkt });
  });
});
