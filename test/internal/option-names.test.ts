// Unknown option names (src/internal/option-names.ts): which members are read, the closest known
// name a refusal names, the pointers for other libraries' names, and the by-identity memory that
// `sign` and `verify` use.
import { describe, expect, it } from 'vitest';
import { isJwtError, type JwtError } from '../../src/errors.js';
import { checkOptionNames, checkOptionNamesMemoised, closestName, optionNames } from '../../src/internal/option-names.js';

interface ExampleOptions {
  audience?: string;
  issuer?: string;
  algorithms?: readonly string[];
  kid?: string;
  typ?: string;
  header?: Record<string, unknown>;
}

const NAMES = optionNames<ExampleOptions>(
  { audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true },
  { ignoreExpiration: 'jwtkit has no such option' },
);

function refusal(run: () => unknown): JwtError {
  try {
    run();
  } catch (error) {
    if (isJwtError(error)) return error;
    throw error;
  }
  throw new Error('expected a JwtError');
}

describe('checkOptionNames', () => {
  it('accepts known names, with any value (undefined included)', () => {
    expect(() => checkOptionNames({ audience: 'api', issuer: undefined }, NAMES, 'verify')).not.toThrow();
    expect(() => checkOptionNames({}, NAMES, 'verify')).not.toThrow();
  });

  it('refuses an unknown name with ERR_INVALID_OPTION naming it and the closest known name', () => {
    const error = refusal(() => checkOptionNames({ audiance: 'api' }, NAMES, 'verify'));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toContain('"audiance"');
    expect(error.message).toContain('"audience"');
  });

  it('gives the pointer of a name from another library instead of a guess', () => {
    const error = refusal(() => checkOptionNames({ ignoreExpiration: true }, NAMES, 'verify'));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toContain('"ignoreExpiration"');
    expect(error.message).toContain('jwtkit has no such option');
  });

  it('lists the known names when none is close', () => {
    const error = refusal(() => checkOptionNames({ somethingElse: 1 }, NAMES, 'verify'));
    expect(error.code).toBe('ERR_INVALID_OPTION');
    for (const name of ['audience', 'issuer', 'algorithms', 'kid', 'typ', 'header']) expect(error.message).toContain(`"${name}"`);
  });

  it('reads only own enumerable string keys: symbols, non-enumerable and inherited members are not options', () => {
    const options = Object.create({ inherited: true }) as Record<PropertyKey, unknown>;
    options[Symbol('tag')] = 1;
    Object.defineProperty(options, 'hidden', { value: 1, enumerable: false });
    options['audience'] = 'api';
    expect(() => checkOptionNames(options, NAMES, 'verify')).not.toThrow();
  });

  it('does not look inside members (a map such as "header" has free names)', () => {
    expect(() => checkOptionNames({ header: { 'x-anything': 1 } }, NAMES, 'sign')).not.toThrow();
  });

  it('leaves anything but an object to the caller', () => {
    for (const value of [undefined, null, 'text', 1]) expect(() => checkOptionNames(value, NAMES, 'verify')).not.toThrow();
  });

  it('turns an unreadable options object (a throwing proxy) into ERR_INVALID_OPTION', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(refusal(() => checkOptionNames(hostile, NAMES, 'verify')).code).toBe('ERR_INVALID_OPTION');
  });

  it('cuts a very long unknown name short in the message', () => {
    const name = 'x'.repeat(10_000);
    const error = refusal(() => checkOptionNames({ [name]: 1 }, NAMES, 'verify'));
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('checkOptionNamesMemoised', () => {
  it('checks an object in its first uses and remembers it by identity once it passes again', () => {
    const names = optionNames<ExampleOptions>({ audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true });
    const options: Record<string, unknown> = { audience: 'api' };
    checkOptionNamesMemoised(options, names, 'verify');
    expect(names.passed.has(options)).toBe(false); // a single use: maybe a literal made for one call
    checkOptionNamesMemoised(options, names, 'verify');
    expect(names.passed.has(options)).toBe(true);
    // Documented: the names are checked in an object's first uses; a member added afterwards is not seen.
    options['audiance'] = 'api';
    expect(() => checkOptionNamesMemoised(options, names, 'verify')).not.toThrow();
    // A new object with the same members is checked.
    expect(refusal(() => checkOptionNamesMemoised({ ...options }, names, 'verify')).code).toBe('ERR_INVALID_OPTION');
  });

  it('checks a changed object again while it is not yet remembered', () => {
    const names = optionNames<ExampleOptions>({ audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true });
    const options: Record<string, unknown> = { audience: 'api' };
    checkOptionNamesMemoised(options, names, 'verify');
    options['audiance'] = 'api';
    expect(refusal(() => checkOptionNamesMemoised(options, names, 'verify')).code).toBe('ERR_INVALID_OPTION');
  });

  it('remembers a handful of objects used in turn (two configurations interleaved)', () => {
    const names = optionNames<ExampleOptions>({ audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true });
    const a = { audience: 'a' };
    const b = { audience: 'b' };
    for (const options of [a, b, a, b]) checkOptionNamesMemoised(options, names, 'verify');
    expect([names.passed.has(a), names.passed.has(b)]).toEqual([true, true]);
  });

  it('does not remember objects used once (a new literal per call)', () => {
    const names = optionNames<ExampleOptions>({ audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true });
    const literals = Array.from({ length: 10 }, () => ({ audience: 'api' }));
    for (const options of literals) checkOptionNamesMemoised(options, names, 'verify');
    expect(literals.some((options) => names.passed.has(options))).toBe(false);
  });

  it('does not remember an object that failed', () => {
    const names = optionNames<ExampleOptions>({ audience: true, issuer: true, algorithms: true, kid: true, typ: true, header: true });
    const options = { audiance: 'api' };
    expect(refusal(() => checkOptionNamesMemoised(options, names, 'verify')).code).toBe('ERR_INVALID_OPTION');
    expect(refusal(() => checkOptionNamesMemoised(options, names, 'verify')).code).toBe('ERR_INVALID_OPTION');
  });

  it('leaves anything but an object to the caller', () => {
    for (const value of [undefined, null, 'text', 1]) expect(() => checkOptionNamesMemoised(value, NAMES, 'verify')).not.toThrow();
  });
});

describe('closestName', () => {
  const known = ['audience', 'issuer', 'algorithms', 'kid', 'typ', 'jwtId', 'maxAge', 'clockTolerance', 'iat', 'alg'];

  it.each([
    ['audiance', 'audience'], // one substitution
    ['audeince', 'audience'], // two neighbours swapped
    ['Audience', 'audience'], // case
    ['AUDIENCE', 'audience'],
    ['jwtid', 'jwtId'],
    ['algorithm', 'algorithms'], // one deletion
    ['isuer', 'issuer'],
    ['maxage', 'maxAge'],
    ['clocktolerence', 'clockTolerance'], // case and one substitution
    ['kdi', 'kid'],
    ['typ ', 'typ'],
  ])('%s → %s', (name, expected) => {
    expect(closestName(name, known)).toBe(expected);
  });

  it.each(['iss', 'sub', 'foo', 'audienceList', 'x'])('%s has no close name', (name) => {
    expect(closestName(name, known)).toBeUndefined();
  });
});
