// Type tests: checked by tsc (see typecheck.test.ts), and harmless when vitest runs them.
// A list of option names (src/internal/option-names.ts) cannot drift from its interface:
// TypeScript refuses a list that misses a member, names one the interface does not have, or is
// made without naming the interface; and a hint cannot shadow a real option.
import { describe, expectTypeOf, it } from 'vitest';
import type { SignOptions, VerifyOptions } from '../../src/index.js';
import { optionNames, type OptionNameList } from '../../src/internal/option-names.js';

interface Example {
  required: string;
  optional?: number;
  /** @deprecated */
  old?: number;
}

describe('types: option name lists', () => {
  it('name every member of the interface, optional and deprecated ones included', () => {
    expectTypeOf<keyof OptionNameList<Example>>().toEqualTypeOf<'required' | 'optional' | 'old'>();
    expectTypeOf<keyof OptionNameList<SignOptions>>().toEqualTypeOf<keyof SignOptions>();
    expectTypeOf<keyof OptionNameList<VerifyOptions>>().toEqualTypeOf<keyof VerifyOptions>();
    optionNames<Example>({ required: true, optional: true, old: true });
  });

  it('refuse a list that misses a member', () => {
    // @ts-expect-error "old" is missing
    optionNames<Example>({ required: true, optional: true });
  });

  it('refuse a list that names something else', () => {
    // @ts-expect-error "extra" is not a member of Example
    optionNames<Example>({ required: true, optional: true, old: true, extra: true });
  });

  it('refuse a list made without naming its interface', () => {
    // @ts-expect-error the type argument is required
    optionNames({ required: true, optional: true, old: true });
  });

  it('refuse a hint for a name that is an option', () => {
    // @ts-expect-error "optional" is an option: it needs no pointer
    optionNames<Example>({ required: true, optional: true, old: true }, { optional: 'use something else' });
    optionNames<Example>({ required: true, optional: true, old: true }, { legacy: 'use "old"' });
  });
});
