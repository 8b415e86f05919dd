/**
 * Unknown option names are refused. TypeScript refuses a misspelt member of an object literal, but
 * plain JavaScript (and an options object carried over from another library) does not, and an
 * option that is silently ignored can turn a check off: `verify(token, key, { audiance: 'api' })`
 * would otherwise verify without checking the audience.
 *
 * Each options interface keeps its list of names next to it, made with {@link optionNames}, which
 * makes TypeScript prove that the list names every member of the interface and nothing else.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';

/**
 * One `true` per member of `Options`, optional members included. A list written as an object
 * literal of this type must name every member (a missing one is a missing required member) and
 * nothing else (an extra one fails the excess-property check).
 * @internal
 */
export type OptionNameList<Options> = { readonly [Name in keyof Options]-?: true };

/**
 * Pointers for names that are not options, keyed by the name (e.g. jsonwebtoken's `ignoreExpiration`):
 * what to write instead. A known name cannot have one.
 * @internal
 */
export type OptionNameHints<Options> = Readonly<Record<string, string>> & { readonly [Name in keyof Options]?: never };

/** The checked names of one options interface: see {@link optionNames}. @internal */
export interface OptionNames<Options> {
  /** The list as written, for a list that extends it (`{ ...REMOTE_JWKS_OPTION_NAMES.list, jwksOrigins: true }`). */
  readonly list: OptionNameList<Options>;
  readonly known: ReadonlySet<string>;
  readonly hints: ReadonlyMap<string, string>;
  /** The options objects {@link checkOptionNamesMemoised} remembers, by identity. */
  readonly passed: WeakSet<object>;
  /**
   * The last few objects that passed {@link checkOptionNamesMemoised} without being remembered (strong
   * references, overwritten in turn from `next`).
   */
  readonly recent: { readonly slots: (object | undefined)[]; next: number };
  /** The object remembered last: compared before the `WeakSet`, the common case of one options object reused. */
  last: object | undefined;
}

/** How many recently checked objects {@link checkOptionNamesMemoised} compares with. */
const RECENT_SLOTS = 4;

/**
 * Makes the names of an options interface, to check options objects against. The type argument
 * is required (`optionNames<SignOptions>({ alg: true, ... })`): it is what the list is proved
 * against.
 * @internal
 */
export function optionNames<Options = never>(
  list: NoInfer<OptionNameList<Options>>,
  hints: NoInfer<OptionNameHints<Options>> = {} as OptionNameHints<Options>,
): OptionNames<Options> {
  return {
    list,
    known: new Set(Object.keys(list)),
    hints: new Map(Object.entries(hints)),
    passed: new WeakSet(),
    recent: { slots: new Array<object | undefined>(RECENT_SLOTS).fill(undefined), next: 0 },
    last: undefined,
  };
}

/**
 * Refuses an options object with a member that is not a known name. Only own enumerable string
 * keys are read (`Object.keys`): symbols, non-enumerable and inherited members are not options.
 * Anything but an object is left to the caller's own checks.
 *
 * @param subject - who takes the options, as the message names it (`verify`, `createTokenService`).
 * @throws `ERR_INVALID_OPTION` naming the member and the closest known name, or what to write instead.
 * @internal
 */
export function checkOptionNames<Options>(options: unknown, names: OptionNames<Options>, subject: string): void {
  if (typeof options !== 'object' || options === null) return;
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (error) {
    // A proxy whose ownKeys trap throws.
    throw new JwtError('ERR_INVALID_OPTION', `the options of ${subject} could not be read`, { cause: error });
  }
  for (const name of keys) {
    if (!names.known.has(name)) throw unknownOption(name, names, subject);
  }
}

/**
 * {@link checkOptionNames} for functions without a construction step (`sign`, `verify`): an
 * options object seen to be reused is remembered by identity (in a `WeakSet`), so from then on it
 * costs one lookup. The names are therefore checked in an object's first uses only: a member added
 * to it afterwards is not seen. Its values are not remembered: the caller checks them at every call.
 *
 * An object is remembered when it passes again while still among the last few that passed, not at
 * its first pass: adding every new options literal (one per call) to a `WeakSet` would cost several
 * times the check itself, in the garbage collector's work on the weak table (bench:
 * verify/HS256/sync-fresh-options; figures in docs/benchmarks.md, "Why the code is written as it is").
 *
 * @throws as {@link checkOptionNames}.
 * @internal
 */
export function checkOptionNamesMemoised<Options>(options: unknown, names: OptionNames<Options>, subject: string): void {
  if (options === names.last || typeof options !== 'object' || options === null) return;
  if (names.passed.has(options)) {
    names.last = options;
    return;
  }
  checkOptionNames(options, names, subject);
  const { recent } = names;
  const index = recent.slots.indexOf(options);
  if (index === -1) {
    recent.slots[recent.next] = options;
    recent.next = (recent.next + 1) % RECENT_SLOTS;
  } else {
    recent.slots[index] = undefined;
    names.passed.add(options);
    names.last = options;
  }
}

/** The most characters of an unknown name a message repeats. */
const MAX_NAME_IN_MESSAGE = 64;

function unknownOption<Options>(name: string, names: OptionNames<Options>, subject: string): JwtError {
  const quoted = JSON.stringify(name.length > MAX_NAME_IN_MESSAGE ? `${name.slice(0, MAX_NAME_IN_MESSAGE)}…` : name);
  const hint = names.hints.get(name);
  const closest = hint === undefined ? closestName(name, names.known) : undefined;
  const fix =
    hint ??
    (closest === undefined ? `its options are ${[...names.known].map((known) => `"${known}"`).join(', ')}` : `did you mean "${closest}"?`);
  return new JwtError('ERR_INVALID_OPTION', `${subject} takes no option ${quoted}: ${fix}`);
}

/**
 * The known name `name` was most likely meant to be: the one equal to it ignoring case, else the
 * nearest by edit distance (insertions, deletions, substitutions and swaps of two neighbours), at
 * most 1 edit away for names of up to 4 characters and 2 for longer ones; the first in list order
 * on a tie. `undefined` when none is that near.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance === 0) return candidate;
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** The optimal string alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return Number.POSITIVE_INFINITY; // farther than any limit
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (beforePrevious[j - 2] as number) + 1);
      current.push(value);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] as number;
}
