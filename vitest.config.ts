import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Drops the adapters' default log of refused requests, which the suites make on purpose.
    setupFiles: ['test/adapters/helpers/quiet-auth-events.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
