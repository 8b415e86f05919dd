/**
 * The few test-framework functions the conformance suites need, typed structurally so that
 * vitest's, Jest's (or any look-alike's) `describe`, `it` and `expect` fit.
 *
 * @module
 */
import { checkOptionNames, optionNames, type OptionNames } from '../internal/option-names.js';

/** The assertions the conformance suites use: a subset every Jest-style `expect` offers. */
export interface ConformanceAssertion {
  /** `Object.is` equality. */
  toBe(expected: unknown): void;
  /** Deep (structural) equality. */
  toEqual(expected: unknown): void;
}

/**
 * The test framework, as the conformance suites use it. Pass vitest's (or Jest's) functions:
 * `{ describe, it, expect }`.
 */
export interface ConformanceTestApi {
  /** Groups tests, e.g. vitest's `describe`. */
  describe: (name: string, body: () => void) => unknown;
  /** Declares one async test with a timeout in milliseconds, e.g. vitest's `it`. */
  it: (name: string, body: () => Promise<void>, timeout?: number) => unknown;
  /** Starts an assertion, e.g. vitest's `expect`. */
  expect: (actual: unknown) => ConformanceAssertion;
}

/** Options shared by the conformance suites. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface ConformanceSuiteOptions<Store> {
  /**
   * Called after every test with the store that test created (close connections, drop keys).
   * Default: nothing is done.
   */
  destroyStore?: (store: Store) => void | Promise<void>;
  /** How many calls the concurrency tests make at once. Default: `200`. */
  concurrency?: number;
  /** Timeout of each test, in milliseconds, passed to `it`. Default: `30000`. */
  timeout?: number;
}

/** The names of {@link ConformanceSuiteOptions}, for a suite's own list to extend. @internal */
export const CONFORMANCE_SUITE_OPTION_NAMES = optionNames<ConformanceSuiteOptions<unknown>>({
  destroyStore: true,
  concurrency: true,
  timeout: true,
});

/**
 * Checks a suite's option names against `names`, then wraps `it` so that each test gets a fresh
 * store from `createStore` and `destroyStore` runs after it, whatever happens.
 * @internal
 */
export function storeTest<Store, Options extends ConformanceSuiteOptions<Store>>(
  api: ConformanceTestApi,
  createStore: () => Store | Promise<Store>,
  options: Options,
  names: OptionNames<Options>,
): (name: string, body: (store: Store) => Promise<void>) => void {
  checkOptionNames(options, names, 'the store conformance suite');
  const timeout = options.timeout ?? 30_000;
  return (name, body) => {
    api.it(
      name,
      async () => {
        const store = await createStore();
        try {
          await body(store);
        } finally {
          await options.destroyStore?.(store);
        }
      },
      timeout,
    );
  };
}
