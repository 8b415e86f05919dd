/**
 * Scopes, roles and claim checks, unit level.
 */
import { describe, expect, it } from 'vitest';
import {
  claimEqualsRequirement,
  claimIncludesRequirement,
  predicateRequirement,
  rolesOf,
  rolesRequirement,
  scopesOf,
  scopesRequirement,
} from '../../../src/adapters/core/requirements.js';
import { isJwtError } from '../../../src/index.js';
import type { JwsHeader, JwtClaims } from '../../../src/index.js';

const HEADER: JwsHeader = { alg: 'ES256' };

function invalidOption(run: () => unknown): boolean {
  try {
    run();
  } catch (error) {
    return isJwtError(error, 'ERR_INVALID_OPTION');
  }
  return false;
}

describe('scopesOf', () => {
  it('reads the RFC 9068 scope string, else scp as an array or a string', () => {
    expect([...scopesOf({ scope: 'a  b c' })]).toEqual(['a', 'b', 'c']);
    expect([...scopesOf({ scp: ['a', 'b', 3] })]).toEqual(['a', 'b']);
    expect([...scopesOf({ scp: 'a b' })]).toEqual(['a', 'b']);
    expect([...scopesOf({ scope: 'x', scp: ['y'] })]).toEqual(['x']);
    expect(scopesOf({ scope: ['a'] }).size).toBe(0);
    expect(scopesOf({}).size).toBe(0);
  });
});

describe('rolesOf', () => {
  it('reads only an array of strings from roles', () => {
    expect([...rolesOf({ roles: ['admin', 1, 'user'] })]).toEqual(['admin', 'user']);
    expect(rolesOf({ roles: 'admin' }).size).toBe(0);
  });
});

describe('requirements', () => {
  it('scopes: all needed; the refusal names them for the challenge', () => {
    const needs = scopesRequirement(['read', 'write']);
    expect(needs({ scope: 'write read' }, HEADER)).toBeUndefined();
    expect(needs({ scope: 'read' }, HEADER)).toEqual({ scope: 'read write' });
  });

  it('roles: all needed; no scope attribute on refusal', () => {
    const needs = rolesRequirement(['admin']);
    expect(needs({ roles: ['admin'] }, HEADER)).toBeUndefined();
    expect(needs({ roles: ['user'] }, HEADER)).toEqual({});
  });

  it('claimEquals compares strictly and only own claims', () => {
    const needs = claimEqualsRequirement('tenant', 'acme');
    expect(needs({ tenant: 'acme' }, HEADER)).toBeUndefined();
    expect(needs({ tenant: ['acme'] }, HEADER)).toEqual({});
    expect(claimEqualsRequirement('level', 1)({ level: '1' }, HEADER)).toEqual({});
    const inherited = Object.create({ tenant: 'acme' }) as JwtClaims;
    expect(needs(inherited, HEADER)).toEqual({});
  });

  it('claimIncludes accepts an array or a space-separated string holding every value', () => {
    const needs = claimIncludesRequirement('groups', ['a', 'b']);
    expect(needs({ groups: ['b', 'a', 'c'] }, HEADER)).toBeUndefined();
    expect(needs({ groups: 'a b' }, HEADER)).toBeUndefined();
    expect(needs({ groups: ['a'] }, HEADER)).toEqual({});
    expect(needs({ groups: 7 }, HEADER)).toEqual({});
  });

  it('a predicate must return exactly true; a throw or a promise refuses', () => {
    expect(predicateRequirement(() => true)({}, HEADER)).toBeUndefined();
    expect(predicateRequirement(() => 1 as unknown as boolean)({}, HEADER)).toEqual({});
    expect(
      predicateRequirement(() => {
        throw new Error('bug');
      })({}, HEADER),
    ).toEqual({});
    expect(predicateRequirement(() => Promise.resolve(true) as unknown as boolean)({}, HEADER)).toEqual({});
  });

  it('refuses misuse at construction with ERR_INVALID_OPTION', () => {
    expect(invalidOption(() => scopesRequirement([]))).toBe(true);
    expect(invalidOption(() => scopesRequirement('read'))).toBe(true);
    expect(invalidOption(() => scopesRequirement(['a b']))).toBe(true);
    expect(invalidOption(() => scopesRequirement(['a"b']))).toBe(true);
    expect(invalidOption(() => rolesRequirement([1]))).toBe(true);
    expect(invalidOption(() => claimEqualsRequirement('', 'x'))).toBe(true);
    expect(invalidOption(() => claimEqualsRequirement('a', { x: 1 }))).toBe(true);
    expect(invalidOption(() => claimEqualsRequirement('a', Number.NaN))).toBe(true);
    expect(invalidOption(() => claimIncludesRequirement('a', []))).toBe(true);
    expect(invalidOption(() => predicateRequirement('x' as never))).toBe(true);
  });
});
