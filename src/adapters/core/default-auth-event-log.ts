import type { AuthEvent } from './auth-events.js';

/**
 * The log an adapter writes when the application set no `onAuthEvent`: a refused request is
 * otherwise invisible on the server (the answer says less than the operator needs). One
 * `console.warn` line per refusal, failed login and cookie-path warning; a successful login is
 * not logged. In production (`NODE_ENV=production`) at most one line per error code (or event
 * type) per minute, with the number of events since the previous line of that code: the limit is
 * kept with timestamps, never a timer, so it keeps no process alive. Lines start with
 * {@link LOG_PREFIX}. docs/express.md, "Events and logs".
 *
 * @internal
 * @module
 */

/** The start of every line of the default log. @internal */
export const LOG_PREFIX = '[jwtkit]';

/** In production, one line per code per window. */
const WINDOW_MS = 60_000;
/** The longest path a line repeats. */
const MAX_PATH = 200;

/** The lines of one code (or event type) in production: when its last line was written, and the events since. */
interface Window {
  start: number;
  unlogged: number;
}

/** Per code, in this copy of the module: a bounded set of keys (the error codes and event types). */
const windows = new Map<string, Window>();
let hinted = false;

/** Whether `NODE_ENV` is `production`, read at each event (Fetch runtimes may have no `process`). */
function inProduction(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['NODE_ENV'] === 'production';
}

/**
 * How many events of `key` the line written now reports, or `undefined` when no line is written
 * (production, within a minute of the previous line of that key). A clock that went back starts a
 * new window.
 */
function admit(key: string, now: number): number | undefined {
  const window = windows.get(key);
  if (window === undefined || now - window.start >= WINDOW_MS || now < window.start) {
    windows.set(key, { start: now, unlogged: 0 });
    return (window?.unlogged ?? 0) + 1;
  }
  window.unlogged += 1;
  return undefined;
}

function shortPath(path: string): string {
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

/** The line of an event, without the rate-limit count; `undefined` for an event that is not logged. */
function lineOf(event: AuthEvent): { key: string; text: string } | undefined {
  const where = `${event.method} ${shortPath(event.path)}`;
  switch (event.type) {
    case 'request_refused':
      return {
        key: event.code ?? 'unknown',
        text: `request refused: ${event.status} ${where} (${event.code ?? 'no code'}): ${event.reason}`,
      };
    case 'login_failed':
      return { key: event.code, text: `login failed: ${event.status} ${where} (${event.code}): ${event.reason}` };
    case 'cookie_path_mismatch':
      return { key: event.type, text: `refresh cookie path: ${where}: ${event.reason}` };
    default:
      return undefined;
  }
}

/**
 * Writes the default log line of an event, if any (see the module comment).
 *
 * @internal
 */
export function writeDefaultAuthEventLog(event: AuthEvent): void {
  const line = lineOf(event);
  if (line === undefined) return;
  const production = inProduction();
  let text = `${LOG_PREFIX} ${line.text}`;
  if (production) {
    const count = admit(line.key, event.at.getTime());
    if (count === undefined) return;
    if (count > 1) text += ` [${count} events of ${line.key} since its previous line]`;
  }
  if (!hinted) {
    hinted = true;
    text += production
      ? ' (no onAuthEvent is set: jwtkit logs at most one line per code per minute in production; set onAuthEvent to receive every event)'
      : ' (no onAuthEvent is set: jwtkit logs each refusal while NODE_ENV is not production; set onAuthEvent to receive the events instead)';
  }
  try {
    // One line whatever the request held: a path or an origin cannot start another line.
    console.warn(text.replace(/[\x00-\x1f\x7f]/g, '?'));
  } catch {
    // A console that throws must not change the answer.
  }
}
