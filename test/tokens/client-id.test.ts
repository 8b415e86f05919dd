/**
 * The token service's `clientId` option: every access token carries `client_id` (RFC 9068 §2.2),
 * so that it satisfies the RFC 9068 profile; `client_id` is then reserved to the service.
 */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/index.js';
import { expectCode, expectCodeSync } from '../helpers/core.js';
import { setup } from './helpers.js';

describe('createTokenService clientId', () => {
  it('puts client_id into every access token, at login and at refresh', async () => {
    const { tokens } = setup({ clientId: 'web-app' });
    const pair = await tokens.issue('user-1', { scope: 'read' });
    expect(decode(pair.accessToken).payload).toMatchObject({ client_id: 'web-app', scope: 'read', sub: 'user-1' });
    const next = await tokens.refresh(pair.refreshToken);
    expect(decode(next.accessToken).payload['client_id']).toBe('web-app');
    await expect(tokens.verifyAccessToken(next.accessToken)).resolves.toMatchObject({ payload: { client_id: 'web-app' } });
  });

  it('reserves client_id while it is set: issue and refreshClaims cannot set their own (ERR_INVALID_OPTION)', async () => {
    const { tokens } = setup({ clientId: 'web-app' });
    await expectCode(() => tokens.issue('user-1', { client_id: 'other' } as never), 'ERR_INVALID_OPTION');
    const refreshing = setup({ clientId: 'web-app', refreshClaims: () => ({ client_id: 'other' }) as never });
    const pair = await refreshing.tokens.issue('user-1');
    await expectCode(() => refreshing.tokens.refresh(pair.refreshToken), 'ERR_INVALID_OPTION');
  });

  it('leaves access tokens without client_id by default, and a client_id session claim as it was', async () => {
    const { tokens } = setup();
    expect(Object.hasOwn(decode((await tokens.issue('user-1')).accessToken).payload, 'client_id')).toBe(false);
    const pair = await tokens.issue('user-1', { client_id: 'per-session' } as never);
    expect(decode(pair.accessToken).payload['client_id']).toBe('per-session');
  });

  it.each([[''], [42]])('refuses clientId %j (ERR_INVALID_OPTION)', (clientId) => {
    expectCodeSync(() => setup({ clientId: clientId as never }), 'ERR_INVALID_OPTION');
  });
});
