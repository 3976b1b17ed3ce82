import type {
  Attempt,
  AttemptOutcome,
  AttemptResult,
  DiagnosticRecord,
  LegRecord,
  TestRecord,
} from '@testgate/stream';
import { foldOutcome, toJsonLine } from '@testgate/stream';
import { isFailing } from './dialects/dialect.js';
import { type Dialect, dialectNamed } from './dialects/index.js';
import { joinId, testKey } from './identity.js';
import { type Origin, isPlain, PlainCases } from './plain-cases.js';
import { PlainLines, suiteOf } from './plain-line.js';
import { signatureOf, signatureText } from './signature.js';
import {
  type DiagnosticDraft,
  type ParsedCase,
  type ParsedReport,
  type ParsedResult,
  SEVERITY_ORDER,
} from './model.js';
import { objectArray } from './object-array.js';

export interface LegInput {
  name: string;
  matrix?: Record<string, string | number | boolean>;
  /** Whether `--expect` named this leg (an unexpected empty leg is only a warning). */
  expected: boolean;
  /** false: `--expect` says the leg never blocks; its errors are warnings. */
  blocking?: false;
  /** Seconds a shard plan gave the leg. */
  planned?: number;
}

/** What one leg contributes to the stream, in stream order; tests are made as they are read. */
export interface LegBatch {
  leg: LegRecord;
  tests: FoldedTests;
  diagnostics: DiagnosticRecord[];
}

/** Where a report stands among the leg's reports: a rerun's after the run it repeats. */
interface ReportKey {
  attempt: number;
  timestamp: string;
  path: string;
  /** The path a rerun's reports share with the first run's (see rerun-layout). */
  logical: string;
  /** The logical path below the folder all the leg's reports share: a qualifier's name for it. */
  short: string;
}

/**
 * A test seen more than once in the leg. A test seen once, the common case, is kept as
 * its parsed testcase alone, or as its index among the plain ones (see plain-cases): a
 * million of them may be alive.
 */
class Group {
  /** The first testcase seen: the test's name, classname, suites, file and line. */
  readonly first: ParsedCase;
  readonly firstKey: ReportKey;
  /** The latest testcase seen: its properties, and the run a repeat in its report joins. */
  last: ParsedCase;
  lastKey: ReportKey;
  /** Where the last report's attempts begin in `attempts`. */
  lastStart = 0;
  attempts: Attempt[] = [];
  /** Which attempts came from which report, once a rerun's report has the test. */
  spans: Array<{ key: ReportKey; start: number }> | undefined;

  constructor(first: ParsedCase, key: ReportKey) {
    this.first = first;
    this.firstKey = key;
    this.last = first;
    this.lastKey = key;
    attemptsOf(first, this.attempts);
  }
}

/** A test: seen once (plain, or its parsed testcase), or more than once. */
type Test = number | ParsedCase | Group;

/**
 * Tests of one leg that share an id's scope and name but not the test: another file,
 * suite path or report (two specs with the same titles, one report per Python env or
 * device), or repeats the producer writes as separate runs. Each keeps its own record,
 * with a qualifier in its id.
 */
class Namesakes {
  /** The id they share. */
  readonly id: string;
  readonly tests: Test[];
  /** Whether they come from several reports (not only repeats within one). */
  acrossReports = false;

  constructor(id: string, tests: Test[]) {
    this.id = id;
    this.tests = tests;
  }
}

type Seen = Test | Namesakes;

function firstOf(test: ParsedCase | Group): ParsedCase {
  return test instanceof Group ? test.first : test;
}

/** What tells tests with one scope and name apart. */
type Place = Pick<ParsedCase, 'file' | 'suites'>;

/**
 * Same file and suite path. With `lenientFile`, a file only one of them names does not
 * tell them apart.
 */
function sameOrigin(a: Place, b: Place, lenientFile: boolean): boolean {
  const sameFile =
    a.file === b.file || (lenientFile && (a.file === undefined || b.file === undefined));
  return sameFile && sameSuites(a.suites, b.suites);
}

/** The same suite path: each report has its own arrays, so compared name by name. */
function sameSuites(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false;
  return true;
}

/**
 * Folds the reports of one leg into test records, one report at a time: only one parsed
 * testcase (or, for a test seen again, its attempts) stays in memory per test. Several
 * testcases are one test's attempts only by the producer's retry encoding (its dialect)
 * or the rerun layout; otherwise they are separate tests, so a failure never hides behind
 * a pass of a namesake.
 */
export class LegFolder {
  readonly #tool: string;
  /** Tests by scope, then name: keyed without building a million id strings. */
  readonly #groups = new Map<string, Map<string, Seen>>();
  readonly #plain = new PlainCases();
  #size = 0;
  /** The outcomes of the tests seen once so far, counted as they come. */
  readonly #loneOutcomes = { passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 };
  /** The tests seen more than once, whose outcomes are known only at the end. */
  readonly #repeated: Group[] = objectArray();
  readonly #reports: Array<{ key: ReportKey; report: ParsedReport }> = objectArray();
  readonly #keys = new Map<string, ReportKey>();
  /** Ids of tests a report repeats that its producer writes as separate runs. */
  readonly #separateRuns: string[] = objectArray();
  /** Tests that share an id. */
  readonly #namesakes: Namesakes[] = objectArray();
  #duration: number | undefined;
  #lastAttempt = 1;

  constructor(tool: string) {
    this.#tool = tool;
  }

  /**
   * Folds one report in; its parsed testcases are not kept. A rerun's reports (attempt 2
   * and on) come after those of the runs before it.
   */
  add(report: ParsedReport): void {
    const attempt = report.attempt ?? 1;
    if (attempt < this.#lastAttempt)
      throw new Error(
        `report ${report.report} of attempt ${attempt} added after attempt ${this.#lastAttempt}`,
      );
    this.#lastAttempt = attempt;
    const key: ReportKey = {
      attempt,
      timestamp: report.earliestTimestamp ?? '',
      path: report.report,
      logical: report.logicalReport ?? report.report,
      short: '',
    };
    this.#reports.push({ key, report: { ...report, cases: [] } });
    this.#keys.set(report.report, key);
    if (report.duration !== undefined) this.#duration = (this.#duration ?? 0) + report.duration;
    const dialect = dialectNamed(report.producer);
    // Testcases repeated within this report: rare, so handled after the common path.
    let repeats: Map<Group, ParsedCase[]> | undefined;
    for (const testcase of report.cases) {
      const [scope, name] = testKey(testcase, dialect);
      let byName = this.#groups.get(scope);
      if (byName === undefined) {
        byName = new Map();
        this.#groups.set(scope, byName);
      }
      const seen = byName.get(name);
      if (seen === undefined) {
        byName.set(name, this.#kept(testcase));
        this.#countLone(testcase);
        continue;
      }
      const at =
        seen instanceof Namesakes
          ? this.#joinedNamesake(seen, testcase, key)
          : this.#joins(seen, testcase, key)
            ? 0
            : -1;
      if (at === -1) {
        // Another test of the same name: kept apart.
        const namesakes = this.#namesakesOf(byName, scope, name);
        namesakes.tests.push(this.#kept(testcase));
        namesakes.acrossReports ||= this.#keyOf(namesakes.tests[0]!).logical !== key.logical;
        this.#countLone(testcase);
        continue;
      }
      const group = this.#grouped(seen instanceof Namesakes ? seen.tests[at]! : seen);
      if (seen instanceof Namesakes) seen.tests[at] = group;
      else byName.set(name, group);
      if (group.lastKey === key) {
        repeats ??= new Map();
        const cases = repeats.get(group);
        if (cases) cases.push(testcase);
        else repeats.set(group, [group.last, testcase]);
      } else {
        // The same test in a rerun's report: its next attempts.
        group.spans ??= [{ key: group.lastKey, start: 0 }];
        group.spans.push({ key, start: group.attempts.length });
        group.lastStart = group.attempts.length;
        group.lastKey = key;
        group.last = testcase;
        attemptsOf(testcase, group.attempts);
      }
    }
    for (const [group, cases] of repeats ?? []) this.#repeat(group, cases, dialect, report);
  }

  /** A testcase as the leg keeps it while it is a test seen once: plain ones as columns. */
  #kept(testcase: ParsedCase): number | ParsedCase {
    return isPlain(testcase) ? this.#plain.add(testcase) : testcase;
  }

  /** The testcase a test was first seen as. */
  #first(test: Test): ParsedCase {
    return typeof test === 'number' ? this.#plain.caseAt(test) : firstOf(test);
  }

  /** The file and suite path of a test's first testcase, without making it. */
  #placeOf(test: Test): Place {
    return typeof test === 'number' ? this.#plain.origin(test) : firstOf(test);
  }

  /** The report a test seen once is from. */
  #reportOf(test: number | ParsedCase): string {
    return typeof test === 'number' ? this.#plain.origin(test).report : test.report;
  }

  /** Whether `test` was last seen in the report `testcase` is from (whose key is `key`). */
  #inReport(test: Test, testcase: ParsedCase, key: ReportKey): boolean {
    return test instanceof Group ? test.lastKey === key : this.#reportOf(test) === testcase.report;
  }

  /** The namesakes of a scope and name, made from the one test seen so far when needed. */
  #namesakesOf(byName: Map<string, Seen>, scope: string, name: string): Namesakes {
    const seen = byName.get(name)!;
    if (seen instanceof Namesakes) return seen;
    const namesakes = new Namesakes(joinId(scope, name), [seen]);
    byName.set(name, namesakes);
    this.#namesakes.push(namesakes);
    return namesakes;
  }

  #keyOf(test: Test): ReportKey {
    return test instanceof Group ? test.firstKey : this.#keys.get(this.#reportOf(test))!;
  }

  /**
   * Which of the namesakes `testcase` is more of, or -1. In a report of the first run only
   * a namesake from the same report can be, and those are the last ones added: the search
   * stops at the first from another report, so a title repeated in a hundred files of the
   * leg costs one step, not a hundred.
   */
  #joinedNamesake(namesakes: Namesakes, testcase: ParsedCase, key: ReportKey): number {
    const { tests } = namesakes;
    if (key.attempt !== 1) return tests.findIndex((test) => this.#joins(test, testcase, key));
    for (let n = tests.length - 1; n >= 0; n--) {
      const test = tests[n]!;
      if (!this.#inReport(test, testcase, key)) return -1;
      if (sameOrigin(this.#placeOf(test), testcase, false)) return n;
    }
    return -1;
  }

  /** Whether `testcase` is more of `test`: a repeat in the same report, or its rerun's. */
  #joins(test: Test, testcase: ParsedCase, key: ReportKey): boolean {
    if (this.#inReport(test, testcase, key))
      return sameOrigin(this.#placeOf(test), testcase, false);
    // Two reports of the first run hold two tests (reports are read in attempt order).
    if (key.attempt === 1) return false;
    const last = test instanceof Group ? test.lastKey : this.#keyOf(test);
    // A rerun's report: the same path in an attempt folder (a file it leaves out is no other file).
    if (last.logical !== key.logical || !sameOrigin(this.#placeOf(test), testcase, true))
      return false;
    const attempts =
      test instanceof Group && test.spans ? test.spans.map((s) => s.key.attempt) : [last.attempt];
    return !attempts.includes(key.attempt);
  }

  #grouped(test: Test): Group {
    if (test instanceof Group) return test;
    const first = this.#first(test);
    this.#loneOutcomes[loneOutcome(first)]--;
    const group = new Group(first, this.#keyOf(test));
    this.#repeated.push(group);
    return group;
  }

  /** A new test, seen once so far. */
  #countLone(testcase: ParsedCase): void {
    this.#size++;
    // Most pass without a result element: counted by name, which costs the engine a
    // fraction of a count by computed key.
    if (testcase.results.length === 0) this.#loneOutcomes.passed++;
    else this.#loneOutcomes[loneOutcome(testcase)]++;
  }

  /** Several testcases of one test in one report: read by the producer's rules. */
  #repeat(group: Group, cases: ParsedCase[], dialect: Dialect, report: ParsedReport): void {
    group.attempts.length = group.lastStart;
    const reading = dialect.readRepeats(cases);
    if (reading.as === 'attempts') {
      for (const testcase of reading.cases) attemptsOf(testcase, group.attempts);
      group.last = reading.cases[reading.cases.length - 1]!;
      return;
    }
    if (reading.as === 'one-run') {
      group.last = cases[cases.length - 1]!;
      attemptsOf(mergeCases(cases), group.attempts);
      return;
    }
    // Separate runs: the first stays this test, each other one is a test of its own.
    group.last = cases[0]!;
    attemptsOf(cases[0]!, group.attempts);
    const [scope, name] = testKey(cases[0]!, dialect);
    const namesakes = this.#namesakesOf(this.#groups.get(scope)!, scope, name);
    for (const testcase of cases.slice(1)) {
      namesakes.tests.push(testcase);
      this.#countLone(testcase);
    }
    this.#separateRuns.push(`${joinId(scope, name)} (${cases.length} in ${report.report})`);
  }

  /** The leg record, its diagnostics, and its tests in report order, made one by one. */
  finish(input: LegInput): LegBatch {
    const reports = this.#reports.sort((a, b) => compareKeys(a.key, b.key)).map((r) => r.report);
    const drafts: DiagnosticDraft[] = reports.flatMap((r) => r.diagnostics);
    const counts = { tests: this.#size, ...this.#loneOutcomes };
    for (const group of this.#repeated) {
      if (group.spans) orderByReport(group, group.spans);
      counts[foldOutcome(group.attempts)]++;
    }
    if (this.#separateRuns.length > 0) {
      drafts.push({
        severity: 'warning',
        code: 'duplicate-testcase',
        message: `${this.#separateRuns.length} test(s) appear more than once in one report, which their runner does not write as retries, e.g. ${JSON.stringify(this.#separateRuns[0])}: each kept as a test of its own (#1, #2, …), so a failure among them blocks`,
        hint: `if they are reruns, put the rerun's reports in a folder attempt-2 below the leg; otherwise give the tests distinct names`,
      });
    }
    const acrossReports = this.#namesakes.filter((n) => n.acrossReports);
    if (acrossReports.length > 0) {
      drafts.push({
        severity: 'info',
        code: 'id-qualified',
        message: `${acrossReports.length} test id(s) are in several reports of the leg, e.g. ${JSON.stringify(acrossReports[0]!.id)}: each report's kept as a test of its own, its id qualified with "@ <report>"`,
        hint: "if one report is a rerun of another, put the rerun's reports in a folder attempt-2 below the leg",
      });
    }
    const read = reports.filter((r) => r.notReport === undefined);
    const status = legStatus(reports, read, this.#size);
    if (status === 'missing') {
      drafts.push({
        severity: 'error',
        code: 'leg-missing',
        message: `expected leg ${JSON.stringify(input.name)} has no report`,
        hint: 'check that the leg ran and uploaded its JUnit (upload-artifact: if-no-files-found: error)',
      });
    } else if (status === 'empty') {
      drafts.push({
        severity: input.expected ? 'error' : 'warning',
        code: 'leg-empty',
        message: `leg ${JSON.stringify(input.name)} reported no test`,
        hint: 'check the leg log: the runner found no test files or filtered them all out',
      });
    } else if (counts.skipped === counts.tests) {
      drafts.push({
        severity: input.expected ? 'error' : 'warning',
        code: 'leg-none-ran',
        message: `no test ran in leg ${JSON.stringify(input.name)}: all ${counts.tests} were skipped or disabled`,
        hint: 'check the leg log: were the tests disabled, or skipped by an environment check?',
      });
    }
    const leg: LegRecord = {
      type: 'leg',
      name: input.name,
      status,
      ...(input.matrix && { matrix: input.matrix }),
      ...(input.blocking === false && { blocking: false }),
      ...(input.planned !== undefined && { planned: input.planned }),
      ...producersOf(reports),
      files: read.map((r) => r.report),
      counts,
      ...(this.#duration !== undefined && { duration: round(this.#duration) }),
    };
    const diagnostics = drafts.map((d): DiagnosticRecord => ({
      type: 'diagnostic',
      tool: this.#tool,
      leg: input.name,
      ...d,
      // A leg that does not block shows what is wrong with it, and blocks nothing.
      ...(input.blocking === false && d.severity === 'error' && { severity: 'warning' }),
    }));
    // A report as a qualifier names: its path below the folder all the leg's reports share.
    const logical = [...new Set(this.#reports.map((r) => r.key.logical))];
    const short = new Map(
      new PathShortener().shorten(logical).map((name, n) => [logical[n]!, name]),
    );
    for (const { key } of this.#reports) key.short = short.get(key.logical)!;
    const folded = {
      groups: this.#groups,
      plain: this.#plain,
      reportOf: (test: Test): string => this.#keyOf(test).short,
      placeOf: (test: Test): Place => this.#placeOf(test),
      files: new PathShortener(),
    };
    return { leg, diagnostics, tests: new FoldedTests(folded, input.name) };
  }
}

/** A folded leg's tests, and what its writers ask of them. */
interface Folded {
  groups: Map<string, Map<string, Seen>>;
  plain: PlainCases;
  /** The report a qualifier names a test by. */
  reportOf: (test: Test) => string;
  placeOf: (test: Test) => Place;
  files: PathShortener;
}

// Tests' lines are handed on this many characters at a time: one encoding of many lines
// costs less than one each.
const CHUNK_CHARS = 1 << 16;

/**
 * A leg's folded tests, in the order the leg's reports first list their scope (class,
 * file), then their name (reports in path order): deterministic for the same input, close
 * to the order they ran, and with no sort of a million ids.
 */
export class FoldedTests {
  readonly #folded: Folded;
  readonly #leg: string;

  constructor(folded: Folded, leg: string) {
    this.#folded = folded;
    this.#leg = leg;
  }

  /** Each test's record. */
  *records(): Generator<TestRecord> {
    const qualifiers = new Qualifiers(this.#folded);
    for (const [scope, byName] of this.#folded.groups)
      for (const [name, seen] of byName) {
        if (!(seen instanceof Namesakes)) yield this.#record(joinId(scope, name), seen);
        else {
          const qualified = qualifiers.of(seen);
          for (const [n, test] of seen.tests.entries())
            yield this.#record(`${seen.id} @ ${qualified[n]!}`, test);
        }
      }
  }

  /**
   * The records as JSON Lines, many lines to a string: the bytes `records()` gives
   * serialised, a plain testcase seen once written straight from its columns (see
   * plain-line), without its record.
   */
  *jsonLines(tool: string): Generator<{ text: string; records: number }> {
    const plain = new PlainLines(this.#leg);
    const columns = this.#folded.plain;
    const qualifiers = new Qualifiers(this.#folded);
    let text = '';
    let records = 0;
    for (const [scope, byName] of this.#folded.groups) {
      plain.scope(scope);
      for (const [name, seen] of byName) {
        if (seen instanceof Namesakes) {
          const qualified = qualifiers.of(seen);
          for (const [n, test] of seen.tests.entries()) {
            const qualifier = qualified[n]!;
            text +=
              typeof test === 'number'
                ? plain.line(name, qualifier, columns.view(test))
                : this.#line(`${seen.id} @ ${qualifier}`, test, tool);
          }
          records += seen.tests.length;
        } else {
          text +=
            typeof seen === 'number'
              ? plain.line(name, undefined, columns.view(seen))
              : this.#line(joinId(scope, name), seen, tool);
          records++;
        }
        if (text.length >= CHUNK_CHARS) {
          yield { text, records };
          text = '';
          records = 0;
        }
      }
    }
    if (records > 0) yield { text, records };
  }

  #line(id: string, test: ParsedCase | Group, tool: string): string {
    return toJsonLine(toTestRecord(id, this.#leg, test), { tool });
  }

  #record(id: string, test: Test): TestRecord {
    return toTestRecord(
      id,
      this.#leg,
      typeof test === 'number' ? this.#folded.plain.view(test) : test,
    );
  }
}

/**
 * The qualifiers of a leg's namesakes, the last ones kept. Those of plain tests follow from
 * their origins alone (file, suite path, report), and a title repeated in the same spec
 * files (every component "renders") has the same origins every time: worked out once, not
 * once per title.
 */
class Qualifiers {
  readonly #folded: Folded;
  /** The origins of the last namesakes worked out, when all of them were plain. */
  #origins: Origin[] = [];
  #last: string[] = [];

  constructor(folded: Folded) {
    this.#folded = folded;
  }

  of(namesakes: Namesakes): string[] {
    const { tests } = namesakes;
    const { plain } = this.#folded;
    let same = tests.length === this.#origins.length;
    for (let n = 0; same && n < tests.length; n++) {
      const test = tests[n]!;
      same = typeof test === 'number' && plain.origin(test) === this.#origins[n];
    }
    if (same) return this.#last;
    this.#last = qualifiers(namesakes, this.#folded);
    this.#origins = tests.every((test) => typeof test === 'number')
      ? tests.map((test) => plain.origin(test as number))
      : [];
    return this.#last;
  }
}

/**
 * What tells tests that share an id apart, one qualifier each for `<id> @ <qualifier>`:
 * their file, suite path or report (each shortened to what differs), and an ordinal where
 * nothing does (`Basic::Works @ a/test.xml`, `C::m @ #2`). Stable for the same input.
 */
function qualifiers({ tests }: Namesakes, { reportOf, placeOf, files }: Folded): string[] {
  const firsts = tests.map(placeOf);
  const [first] = firsts;
  const columns: string[][] = [];
  if (firsts.some((f) => f.file !== first!.file))
    columns.push(files.shorten(firsts.map((f) => f.file ?? '')));
  if (firsts.some((f) => !sameSuites(f.suites, first!.suites)))
    columns.push(firsts.map((f) => f.suites.join(' / ')));
  const reports = tests.map(reportOf);
  if (reports.some((r) => r !== reports[0])) columns.push(reports);
  // The first field that tells them all apart alone, else every field that differs.
  const alone = columns.find((column) => new Set(column).size === tests.length);
  if (alone) return alone;
  const joined = tests.map((_, n) => columns.map((column) => column[n]!).join(', '));
  const counts = new Map<string, number>();
  for (const q of joined) counts.set(q, (counts.get(q) ?? 0) + 1);
  const ordinals = new Map<string, number>();
  return joined.map((q) => {
    if (counts.get(q)! === 1) return q;
    const ordinal = (ordinals.get(q) ?? 0) + 1;
    ordinals.set(q, ordinal);
    return q === '' ? `#${ordinal}` : `${q} #${ordinal}`;
  });
}

/**
 * Paths without the folders they all share, so a qualifier says only what differs (never a
 * path's last part). Each path's folder and shortened form are kept: a title repeated in a
 * hundred files of a leg asks this for every one of its namesakes, with the same paths.
 */
class PathShortener {
  readonly #paths = new Map<string, { folderEnd: number; common: number; short: string }>();

  shorten(paths: readonly string[]): string[] {
    const [first] = paths;
    if (first === undefined) return [];
    const entries = paths.map((path) => this.#entry(path));
    // The shared folders end with a '/' that every path has at that place.
    let common = entries[0]!.folderEnd;
    for (const [n, path] of paths.entries()) {
      common = Math.min(common, entries[n]!.folderEnd);
      let same = 0;
      while (same < common && path.charCodeAt(same) === first.charCodeAt(same)) same++;
      if (same < common) common = same === 0 ? 0 : first.lastIndexOf('/', same - 1) + 1;
    }
    return entries.map((entry, n) => {
      if (entry.common !== common) {
        entry.common = common;
        entry.short = paths[n]!.slice(common);
      }
      return entry.short;
    });
  }

  #entry(path: string): { folderEnd: number; common: number; short: string } {
    let entry = this.#paths.get(path);
    if (entry === undefined)
      this.#paths.set(
        path,
        (entry = { folderEnd: path.lastIndexOf('/') + 1, common: 0, short: path }),
      );
    return entry;
  }
}

/**
 * A test's outcome while it is seen once: passed without making its attempt when it has no
 * result, and without the failures' signatures otherwise (its record makes them).
 */
function loneOutcome(testcase: ParsedCase): TestRecord['outcome'] {
  if (testcase.results.length === 0) return 'passed';
  const attempts: Attempt[] = [];
  attemptsOf(testcase, attempts, false);
  return foldOutcome(attempts);
}

/** A lone testcase's attempts are made when asked for: they are short-lived that way. */
function attemptsOfSeen(seen: ParsedCase | Group): Attempt[] {
  if (seen instanceof Group) return seen.attempts;
  const attempts: Attempt[] = [];
  attemptsOf(seen, attempts);
  return attempts;
}

function legStatus(
  reports: readonly ParsedReport[],
  read: readonly ParsedReport[],
  tests: number,
): LegRecord['status'] {
  if (reports.length === 0) return 'missing';
  if (read.length > 0 && read.every((r) => !r.readable)) return 'unreadable';
  return tests === 0 ? 'empty' : 'reported';
}

function compareKeys(a: ReportKey, b: ReportKey): number {
  if (a.attempt !== b.attempt) return a.attempt - b.attempt;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** A test from several reports: its attempts in report order, each naming its report. */
function orderByReport(group: Group, spans: NonNullable<Group['spans']>): void {
  const ends = new Map(
    spans.map((span, n) => [span, spans[n + 1]?.start ?? group.attempts.length]),
  );
  const attempts: Attempt[] = [];
  for (const span of [...spans].sort((a, b) => compareKeys(a.key, b.key))) {
    for (const attempt of group.attempts.slice(span.start, ends.get(span))) {
      attempt.report ??= span.key.path;
      attempts.push(attempt);
    }
  }
  group.attempts = attempts;
}

function producersOf(reports: readonly ParsedReport[]): { producers?: string[] } {
  const producers = [...new Set(reports.flatMap((r) => (r.producer ? [r.producer] : [])))].sort();
  return producers.length > 0 ? { producers } : {};
}

function toTestRecord(id: string, leg: string, seen: ParsedCase | Group): TestRecord {
  const first = firstOf(seen);
  const last = seen instanceof Group ? seen.last : seen;
  const attempts = attemptsOfSeen(seen);
  // Fields in reading order: the key and the verdict first, the evidence last.
  const test = {
    type: 'test',
    id,
    leg,
    outcome: foldOutcome(attempts),
    name: first.name,
    classname: first.classname,
  } as TestRecord;
  const suite = suiteOf(first);
  if (suite !== undefined) test.suite = suite;
  if (first.file !== undefined) test.file = first.file;
  if (first.line !== undefined) test.line = first.line;
  test.attempts = attempts as TestRecord['attempts'];
  if (last.properties) test.properties = last.properties;
  return test;
}

/** Several testcase elements that stand for one run of one test. */
function mergeCases(cases: ParsedCase[]): ParsedCase {
  const merged: ParsedCase = { ...cases[0]!, results: cases.flatMap((c) => c.results) };
  const durations = cases.flatMap((c) => (c.duration === undefined ? [] : [c.duration]));
  if (durations.length > 0) merged.duration = durations.reduce((a, b) => a + b, 0);
  return merged;
}

/**
 * Appends the attempts one testcase element stands for. Surefire and Playwright pack
 * several into one: `flakyFailure` elements are failed attempts before the passing one,
 * `rerunFailure` elements are further failed attempts, in document order around the
 * testcase's own result (Surefire writes its failure first, Playwright last).
 */
function attemptsOf(testcase: ParsedCase, into: Attempt[], signed = true): void {
  if (testcase.results.length === 0) {
    // The common case, kept cheap: one passing attempt.
    const passed: Attempt = { outcome: 'passed' };
    if (testcase.duration !== undefined) passed.duration = testcase.duration;
    if (testcase.stdout !== undefined) passed.stdout = testcase.stdout;
    if (testcase.stderr !== undefined) passed.stderr = testcase.stderr;
    into.push(passed);
    return;
  }
  const own: ParsedResult[] = [];
  let mainAt = -1;
  let reruns = false;
  for (const result of testcase.results) {
    if (
      result.kind === 'flakyFailure' ||
      result.kind === 'flakyError' ||
      result.kind === 'rerunFailure' ||
      result.kind === 'rerunError'
    ) {
      reruns ||= result.kind === 'rerunFailure' || result.kind === 'rerunError';
      into.push(resultAttempt(result, testcase.report, signed));
    } else {
      if (mainAt === -1) mainAt = into.length;
      own.push(result);
    }
  }
  // Reruns follow only a failure: a testcase with rerun elements and no failure of its
  // own lost its first run's result, which is no pass.
  if (reruns && !own.some(isFailing))
    own.push({
      kind: 'failure',
      message: "failed and was rerun (the first run's result was not written)",
    });
  const main: Attempt = { outcome: 'passed' };
  if (own.length > 0) {
    own.sort((a, b) => SEVERITY_ORDER[outcomeOf(b)] - SEVERITY_ORDER[outcomeOf(a)]);
    const [worst, ...rest] = own as [ParsedResult, ...ParsedResult[]];
    main.outcome = outcomeOf(worst);
    copyResult(worst, main);
    if (signed) sign(main);
    if (rest.length > 0) main.more = rest.map(moreResult);
  }
  if (testcase.duration !== undefined) main.duration = testcase.duration;
  if (testcase.stdout !== undefined) main.stdout = testcase.stdout;
  if (testcase.stderr !== undefined) main.stderr = testcase.stderr;
  if (main.outcome === 'failed' || main.outcome === 'error') main.report = testcase.report;
  // A passing testcase's own attempt comes after its flaky failures.
  into.splice(mainAt === -1 ? into.length : mainAt, 0, main);
}

function outcomeOf(result: ParsedResult): AttemptOutcome {
  switch (result.kind) {
    case 'skipped':
      return 'skipped';
    case 'error':
    case 'flakyError':
    case 'rerunError':
      return 'error';
    default:
      return 'failed';
  }
}

function copyResult(result: ParsedResult, into: Attempt | AttemptResult): void {
  if (result.message !== undefined) into.message = result.message;
  if (result.errorType !== undefined) into.errorType = result.errorType;
  if (result.details !== undefined) into.details = result.details;
}

function moreResult(result: ParsedResult): AttemptResult {
  const more: AttemptResult = { outcome: outcomeOf(result) };
  copyResult(result, more);
  return more;
}

function resultAttempt(result: ParsedResult, report: string, signed: boolean): Attempt {
  const attempt: Attempt = { outcome: outcomeOf(result) };
  if (result.duration !== undefined) attempt.duration = result.duration;
  copyResult(result, attempt);
  if (signed) sign(attempt);
  if (result.stdout !== undefined) attempt.stdout = result.stdout;
  if (result.stderr !== undefined) attempt.stderr = result.stderr;
  attempt.report = report;
  return attempt;
}

/** A failed or errored attempt's signature, and the normalised failure it was made from. */
function sign(attempt: Attempt): void {
  if (attempt.outcome !== 'failed' && attempt.outcome !== 'error') return;
  attempt.signatureText = signatureText(attempt);
  attempt.signature = signatureOf(attempt.signatureText);
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
