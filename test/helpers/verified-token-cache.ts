/**
 * Fixtures of the verified-token cache tests: a frozen clock and tokens made with node:crypto
 * (not with jwtkit, so a signer bug cannot hide a verifier bug).
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { isJwtError, type JwtErrorCode } from '../../src/index.js';

/** The frozen clock, in seconds. */
export const NOW = 1_700_000_000;

/** `NOW + offset` seconds as a Date, for a `clock`. */
export function at(offsetSeconds: number): Date {
  return new Date((NOW + offsetSeconds) * 1000);
}

export const SECRET: KeyObject = createSecretKey(Buffer.alloc(32, 7));
export const OTHER_SECRET: KeyObject = createSecretKey(Buffer.alloc(32, 8));

const b64u = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** An HS256 token with exactly these claims (and this header), signed with `secret`. */
export function hs256(
  claims: Record<string, unknown>,
  secret: KeyObject = SECRET,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Claims of an ordinary access token: issued at NOW, valid for an hour. */
export function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'user-1', iss: 'https://issuer.example', aud: 'api', iat: NOW, exp: NOW + 3600, ...extra };
}

/** Runs `action` and asserts it throws a JwtError with `code`; returns the error. */
export async function expectCode(action: () => unknown, code: JwtErrorCode): Promise<unknown> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(isJwtError(caught), `expected a JwtError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  return caught;
}
