/**
 * The login endpoint's attempt limiter (`loginLimits` of `createAuthEndpoints`): growing waits per
 * (account, client), a capped wait per account, and a budget per client. Its decisions are made
 * before `verifyCredentials` runs; a refused attempt is answered 429 with `Retry-After` at once.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { JwtError } from '../../errors.js';
import { checkClock, readClock, type Clock } from '../../internal/clock.js';
import { durationToSeconds, type Duration } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import type { LoginAttemptStore } from '../../tokens/login-attempt-store.js';
import { parseIpAddress } from './trusted-proxies.js';

/**
 * Options of the login limiter: the `loginLimits` option of `createAuthEndpoints`. The defaults
 * and how to tune them: docs/express.md, "Protecting the login endpoint".
 */
export interface LoginLimitsOptions {
  /** Where the counters live: `new MemoryLoginAttemptStore()` (`jwtkit`) or `new RedisLoginAttemptStore({ client })` (`jwtkit/redis`). Required. */
  store: LoginAttemptStore;
  /**
   * The member of the login's JSON body that names the account. Its value (a string; anything
   * else counts as `''`) is normalised with {@link normalizeAccount}, then hashed (SHA-256) before it
   * becomes part of a key. Default: `'username'`.
   */
  accountField?: string;
  /**
   * Makes the account name as the application compares it, so that `' Bob'` and `'bob'` share a
   * counter when they are one account. Default: trims and lower-cases (`value.trim().toLowerCase()`).
   */
  normalizeAccount?: (value: string) => string;
  /** Failed logins of one account from one client that wait nothing. Default: `5`. */
  freeFailures?: number;
  /**
   * The wait after the first failure past {@link freeFailures} (from the last failure), doubling
   * with each further failure of the account from that client, up to {@link maxWait}. Default: `1` (second).
   */
  baseWait?: Duration;
  /** The longest wait of one account from one client. Default: `'15m'`. */
  maxWait?: Duration;
  /**
   * Failed logins of one account (from every client) that wait nothing; past them, a client that
   * has itself failed on the account waits for the account too, after its own last failure,
   * doubling from {@link baseWait} up to {@link accountMaxWait}. A client without failures on the
   * account never waits for it, and one with failures waits at most `accountMaxWait` however often
   * others fail, so the owner is never locked out by failures from elsewhere. Default: `20`.
   */
  accountFreeFailures?: number;
  /** The longest per-account wait: keep it short (it delays the owner). Default: `'5s'`. */
  accountMaxWait?: Duration;
  /**
   * Login attempts one client may make per {@link window}, across all accounts, that did not
   * succeed (a successful login gives its attempt back). Every attempt is counted before
   * `verifyCredentials` runs, so concurrent requests never exceed it. Clients without a known
   * address (a Fetch runtime without `trustedProxies.clientAddress`) share one budget. Default: `100`.
   */
  clientBudget?: number;
  /**
   * How long a counter lives from its first attempt (a fixed window): the failures of an account
   * from a client, of an account, and a client's budget. Default: `'15m'`.
   */
  window?: Duration;
  /** The clock of the limiter's decisions. Default: the system clock. */
  clock?: Clock;
}

const LOGIN_LIMITS_OPTION_NAMES = optionNames<LoginLimitsOptions>({
  store: true,
  accountField: true,
  normalizeAccount: true,
  freeFailures: true,
  baseWait: true,
  maxWait: true,
  accountFreeFailures: true,
  accountMaxWait: true,
  clientBudget: true,
  window: true,
  clock: true,
});

/** Why an attempt was refused: a code-like reason of the `login_throttled` event. */
export type LoginThrottleReason = 'account_client_wait' | 'account_wait' | 'client_budget';

/** A refused attempt. @internal */
export interface LoginThrottle {
  readonly reason: LoginThrottleReason;
  /** Whole seconds, at least 1. */
  readonly retryAfter: number;
  /** The first 12 hex digits of the account's SHA-256. */
  readonly accountHash: string;
}

/** One admitted attempt: to be settled with its outcome. @internal */
export interface LoginAttempt {
  /** Wrong credentials: counts the failure. */
  failed(): Promise<void>;
  /** A login: resets the (account, client) failures and gives the budget's attempt back. */
  succeeded(): Promise<void>;
  /** Anything else (a refusal before or an error of `verifyCredentials`): gives the budget's attempt back. */
  abandoned(): Promise<void>;
}

/** The limiter. @internal */
export interface LoginLimiter {
  /** Decides on an attempt from `clientAddress` with the login `body`. */
  admit(body: Record<string, unknown>, clientAddress: string | undefined): Promise<LoginThrottle | LoginAttempt>;
}

/** The key of clients without a known address. */
const UNKNOWN_CLIENT = 'unknown';

/**
 * The key of a client address: an IPv4 address as it is; an IPv6 address by its /64 prefix, the
 * block one subscriber usually holds whole (RFC 6177 §2), so that an attacker cannot get a fresh
 * budget from each address of it; anything else as it is.
 */
function clientKeyOf(address: string): string {
  const bytes = parseIpAddress(address.includes('%') ? address.slice(0, address.indexOf('%')) : address);
  if (bytes === undefined) return address;
  const mapped = bytes.subarray(0, 12).every((byte, index) => byte === (index >= 10 ? 0xff : 0));
  if (mapped) return Array.from(bytes.subarray(12)).join('.');
  return `${Buffer.from(bytes.subarray(0, 8)).toString('hex')}::/64`;
}

function count(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new JwtError('ERR_INVALID_OPTION', `"loginLimits.${name}" must be a whole number of at least ${min}`);
  }
  return value;
}

function millis(value: unknown, name: string, fallback: Duration): number {
  const seconds = durationToSeconds(value ?? fallback, `loginLimits.${name}`);
  if (!(seconds > 0)) throw new JwtError('ERR_INVALID_OPTION', `"loginLimits.${name}" must be a positive duration`);
  return seconds * 1000;
}

/** The wait of `failures` past `free` free ones: `base`, doubling, at most `max` (ms). */
function waitOf(failures: number, free: number, base: number, max: number): number {
  if (failures < free) return 0;
  return Math.min(max, base * 2 ** Math.min(failures - free, 40));
}

/**
 * Checks `loginLimits` once; `undefined` without it.
 *
 * @throws ERR_INVALID_OPTION for an unknown name or an option of the wrong shape.
 * @internal
 */
export function normalizeLoginLimits(options: unknown): LoginLimiter | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', '"loginLimits" must be an object');
  checkOptionNames(options, LOGIN_LIMITS_OPTION_NAMES, 'loginLimits');
  const o = options as LoginLimitsOptions;
  const store = o.store as unknown;
  if (
    typeof store !== 'object' ||
    store === null ||
    !['add', 'read', 'reset'].every((m) => typeof (store as Record<string, unknown>)[m] === 'function')
  ) {
    throw new JwtError('ERR_INVALID_OPTION', '"loginLimits.store" must be a LoginAttemptStore (new MemoryLoginAttemptStore())');
  }
  const field = o.accountField ?? 'username';
  if (typeof field !== 'string' || field === '')
    throw new JwtError('ERR_INVALID_OPTION', '"loginLimits.accountField" must be a non-empty string');
  const normalize = o.normalizeAccount ?? ((value: string) => value.trim().toLowerCase());
  if (typeof normalize !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"loginLimits.normalizeAccount" must be a function');
  const clock = checkClock(o.clock, 'loginLimits.clock');
  const policy = {
    store: store as LoginAttemptStore,
    freeFailures: count(o.freeFailures, 'freeFailures', 5, 0),
    accountFreeFailures: count(o.accountFreeFailures, 'accountFreeFailures', 20, 0),
    clientBudget: count(o.clientBudget, 'clientBudget', 100, 1),
    baseWait: millis(o.baseWait, 'baseWait', 1),
    maxWait: millis(o.maxWait, 'maxWait', '15m'),
    accountMaxWait: millis(o.accountMaxWait, 'accountMaxWait', '5s'),
    window: millis(o.window, 'window', '15m'),
  };
  return {
    async admit(body, clientAddress) {
      const now = readClock(clock, 'loginLimits.clock');
      const raw = body[field];
      // A value of another type could name the victim's account to an app that turns it into text
      // (`String(['victim'])`) while it counted as another account here: refused before anything.
      if (raw !== undefined && typeof raw !== 'string') throw new JwtError('ERR_REQUEST_INVALID', `"${field}" must be a string`);
      const account = createHash('sha256')
        .update(normalize(raw ?? ''))
        .digest('hex');
      const accountHash = account.slice(0, 12);
      const client = clientAddress === undefined ? UNKNOWN_CLIENT : clientKeyOf(clientAddress);
      const pairKey = `pair:${account}:${client}`;
      const accountKey = `account:${account}`;
      const clientKey = `client:${client}`;
      const refuse = (reason: LoginThrottleReason, until: number): LoginThrottle => ({
        reason,
        retryAfter: Math.max(1, Math.ceil((until - now) / 1000)),
        accountHash,
      });

      const pair = await policy.store.read(pairKey, now);
      if (pair !== undefined && pair.count > 0) {
        const until = pair.lastAt + waitOf(pair.count, policy.freeFailures, policy.baseWait, policy.maxWait);
        if (until > now) return refuse('account_client_wait', until);
        // Only a client that failed on the account waits for the account (the owner elsewhere never
        // does), and the wait runs from that client's own last failure, never from the others': an
        // attacker's failures can make it at most `accountMaxWait`, never renew it.
        const total = await policy.store.read(accountKey, now);
        if (total !== undefined) {
          const accountUntil = pair.lastAt + waitOf(total.count, policy.accountFreeFailures, policy.baseWait, policy.accountMaxWait);
          if (accountUntil > now) return refuse('account_wait', accountUntil);
        }
      }
      const budget = await policy.store.add(clientKey, 1, now, policy.window);
      if (budget.count > policy.clientBudget) return refuse('client_budget', budget.expiresAt);
      // An attempt is given back only into the window it was taken from: a window that ended while
      // the login ran started afresh, and a slot given back there would be one more than the budget.
      const giveBack = async (): Promise<void> => {
        const current = await policy.store.read(clientKey, readClock(clock, 'loginLimits.clock'));
        if (current?.expiresAt === budget.expiresAt) await policy.store.add(clientKey, -1, now, policy.window);
      };
      return {
        async failed() {
          const at = readClock(clock, 'loginLimits.clock');
          await policy.store.add(pairKey, 1, at, policy.window);
          await policy.store.add(accountKey, 1, at, policy.window);
        },
        async succeeded() {
          await policy.store.reset(pairKey);
          await giveBack();
        },
        abandoned: giveBack,
      };
    },
  };
}

/** Whether `admit` refused. @internal */
export function isLoginThrottle(value: LoginThrottle | LoginAttempt): value is LoginThrottle {
  return 'retryAfter' in value;
}
