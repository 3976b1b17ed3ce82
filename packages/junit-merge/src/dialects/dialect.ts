import type { ParsedCase, ParsedResult } from '../model.js';

/** What a detection hook sees besides the element itself. */
export interface DetectContext {
  /** The report's path as the user named it, `/`-separated. */
  report: string;
  /** The attributes of the root element. */
  root: Readonly<Record<string, string>> | undefined;
  /** The attributes of the innermost open `<testsuite>`, if any. */
  suite: Readonly<Record<string, string>> | undefined;
}

/**
 * Positive evidence that a report is one producer's, each hook looking at one element as
 * it is read. Evidence is something only that producer writes (a root name, a schema
 * location, a property), never one element every producer may write.
 */
export interface Detection {
  root?(name: string, attrs: Readonly<Record<string, string>>, context: DetectContext): boolean;
  suite?(attrs: Readonly<Record<string, string>>, context: DetectContext): boolean;
  testcase?(attrs: Readonly<Record<string, string>>, context: DetectContext): boolean;
  property?(name: string, value: string | undefined, context: DetectContext): boolean;
  comment?(text: string): boolean;
}

/**
 * How the testcases one test left in one report are read:
 * - `attempts`: retries by the producer's documented encoding, in order (`cases` may be
 *   rewritten, e.g. an earlier attempt the producer wrote empty becomes a failed one);
 * - `one-run`: one run written in pieces (pytest's teardown error), folded into one attempt;
 * - `distinct`: separate runs (data-provider rows, `-count` repeats, name collisions): kept
 *   as separate tests, each with its own result.
 */
export type RepeatReading =
  { as: 'attempts'; cases: ParsedCase[] } | { as: 'one-run' } | { as: 'distinct' };

export interface Dialect {
  /** The producer's name, as recorded in a leg's `producers`. */
  readonly name: string;
  readonly detect: Detection;
  /**
   * The test's readable id in two parts: the scope that tells tests apart in this
   * producer (classname, file, suite path, project) and the name.
   */
  key(testcase: ParsedCase): [scope: string, name: string];
  /**
   * The testcase's results once outcomes carried in attributes (`status`, `result`,
   * `executed`) are read; only called for a testcase that has such attributes.
   */
  results?(testcase: ParsedCase, attrs: Readonly<Record<string, string>>): ParsedResult[];
  /**
   * The report's first suite names the file of every test in it (mocha-junit-reporter
   * writes the spec's path on its "Root Suite" only).
   */
  readonly fileOnFirstSuite?: boolean;
  /** How several testcases of one test in one report are read (never called with fewer than two). */
  readRepeats(cases: ParsedCase[]): RepeatReading;
}

/**
 * Whether a testcase has an attribute some producers carry outcomes in (`status`, `result`,
 * `executed`); its attributes are kept only then. Read by name: every testcase is asked.
 */
export function hasOutcomeAttributes(attrs: Readonly<Record<string, string>>): boolean {
  return attrs.status !== undefined || attrs.result !== undefined || attrs.executed !== undefined;
}

/** The default scope: the classname, else the file, else the innermost suite. */
export function classnameKey(testcase: ParsedCase): [string, string] {
  const { classname, file, suites, name } = testcase;
  return [classname !== '' ? classname : (file ?? suites[suites.length - 1] ?? ''), name];
}

/** Repeats every producer without a retry encoding writes: separate runs. */
export function distinctRuns(): RepeatReading {
  return { as: 'distinct' };
}

/**
 * Repeats of a rerun-on-failure encoding (gotestsum `--rerun-fails`, Gradle test-retry):
 * attempts when every testcase but the last failed (a rerun only follows a failure), the
 * last being the final result; any other shape is separate runs.
 */
export function retriedOnFailure(cases: ParsedCase[]): RepeatReading {
  return cases.slice(0, -1).every((c) => c.results.some(isFailing))
    ? { as: 'attempts', cases }
    : { as: 'distinct' };
}

export function isFailing(result: ParsedResult): boolean {
  return result.kind === 'failure' || result.kind === 'error';
}

/** A testcase's own results plus one more, without touching the shared empty list. */
export function withResult(testcase: ParsedCase, result: ParsedResult): ParsedResult[] {
  return [...testcase.results, result];
}
