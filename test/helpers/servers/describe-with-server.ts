/**
 * Declares a suite that needs a server binary. When the binary is missing, the suite is reported as
 * skipped with the reason in its name (and a warning on stderr); with `CI=true` a missing server is
 * a failing test instead, so CI can never pass without running the suite.
 */
import { describe, it } from 'vitest';
import type { BinaryLookup } from './binaries.js';

/** Runs `body(path)` inside `describe(name)` when the binary was found. */
export function describeWithServer(name: string, lookup: BinaryLookup, body: (path: string) => void): void {
  if (lookup.found) {
    describe(name, () => body(lookup.path));
    return;
  }
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it(`needs a server: ${lookup.reason}`, () => {
        throw new Error(`CI=true and ${lookup.reason}`);
      });
    });
    return;
  }
  process.stderr.write(`[jwtkit] skipping "${name}": ${lookup.reason}\n`);
  describe.skip(`${name} [skipped: ${lookup.reason}]`, () => {
    it('needs the server', () => undefined);
  });
}
