/**
 * Vitest setup file (vitest.config.ts, `setupFiles`): keeps the suite's output readable. The
 * adapters log each refused request with `console.warn` when the application sets no
 * `onAuthEvent` (src/adapters/core/default-auth-event-log.ts), and the suites refuse thousands on
 * purpose. Those lines, and only those (they start with `[jwtkit] `), are dropped here. A test
 * that checks the default log spies on `console.warn` itself (test/adapters/auth-events.test.ts),
 * and the spy sees every call.
 */
const warn = console.warn.bind(console);

console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && args[0].startsWith('[jwtkit] ')) return;
  warn(...args);
};
