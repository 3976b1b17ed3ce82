import type {
  Attempt,
  AttemptOutcome,
  AttemptResult,
  DiagnosticRecord,
  LegRecord,
  TestRecord,
} from '@testgate/stream';
import { testId } from './identity.js';
import {
  type DiagnosticDraft,
  type ParsedCase,
  type ParsedReport,
  type ParsedResult,
  type Producer,
  SEVERITY_ORDER,
} from './model.js';

/** Producers that write one testcase per attempt on purpose (retries, `-count`, reruns). */
const WRITES_RETRIES = new Set<Producer | undefined>(['gotestsum', 'surefire', 'nextest']);

/**
 * Repeats that are one run of one test by the producer's own rules: pytest writes a
 * teardown error as a second testcase (and pytest-rerunfailures writes empty ones before
 * the last attempt); jest-junit writes a suite that failed to load twice.
 */
function isKnownRepeat(producer: Producer | undefined, testcase: ParsedCase): boolean {
  return (
    producer === 'pytest' ||
    (producer === 'jest' && testcase.classname === 'Test suite failed to run')
  );
}

export interface LegInput {
  name: string;
  matrix?: Record<string, string | number | boolean>;
  /** Whether `--expect` named this leg (an unexpected empty leg is only a warning). */
  expected: boolean;
  reports: ParsedReport[];
}

/** What one leg contributes to the stream, in stream order. */
export interface LegBatch {
  leg: LegRecord;
  tests: TestRecord[];
  diagnostics: DiagnosticRecord[];
}

interface Group {
  cases: ParsedCase[];
  producer: Producer | undefined;
  /** Whether the cases came from more than one report (rerun files). */
  severalReports: boolean;
}

/**
 * Folds every report of one leg into test records: the same test seen several times in the
 * leg (retries, rerun files, Surefire rerun elements) becomes one record with its attempts
 * in order, and a test that both failed and passed is flaky.
 */
export function foldLeg(input: LegInput, tool: string): LegBatch {
  const reports = [...input.reports].sort(byReportOrder);
  const drafts: DiagnosticDraft[] = [];
  const groups = new Map<string, Group>();
  let duration: number | undefined;
  for (const report of reports) {
    drafts.push(...report.diagnostics);
    if (report.duration !== undefined) duration = (duration ?? 0) + report.duration;
    for (const testcase of report.cases) {
      const id = testId(testcase, report.producer);
      const group = groups.get(id);
      if (group) {
        group.cases.push(testcase);
        if (testcase.report !== group.cases[0]!.report) group.severalReports = true;
      } else {
        groups.set(id, { cases: [testcase], producer: report.producer, severalReports: false });
      }
    }
  }

  const ids = [...groups.keys()].sort();
  const tests: TestRecord[] = new Array(ids.length);
  const counts = { tests: ids.length, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 };
  const collisions: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const group = groups.get(id)!;
    let cases = group.cases;
    if (cases.length > 1 && !group.severalReports && !WRITES_RETRIES.has(group.producer)) {
      // Not a retry by the producer's rules: one run, whose worst result counts. Reading
      // a name collision as attempts would let a failure pass as flaky.
      if (!isKnownRepeat(group.producer, cases[0]!)) collisions.push(id);
      cases = [mergeCases(cases)];
    }
    const test = toTestRecord(id, input.name, cases, group.severalReports);
    counts[test.outcome]++;
    tests[i] = test;
  }

  if (collisions.length > 0) {
    drafts.push({
      severity: 'warning',
      code: 'duplicate-testcase',
      message: `${collisions.length} test id(s) appear more than once in one report, e.g. ${JSON.stringify(collisions[0])}: each read as one test whose worst result counts`,
      hint: 'give the tests distinct names, or check that two shards did not write into one file',
    });
  }

  const status: LegRecord['status'] =
    reports.length === 0
      ? 'missing'
      : reports.every((r) => !r.readable)
        ? 'unreadable'
        : ids.length === 0
          ? 'empty'
          : 'reported';
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
  }

  const leg: LegRecord = {
    type: 'leg',
    name: input.name,
    status,
    ...(input.matrix && { matrix: input.matrix }),
    ...producersOf(reports),
    files: reports.map((r) => r.report),
    counts,
    ...(duration !== undefined && { duration: round(duration) }),
  };
  const diagnostics = drafts.map((d): DiagnosticRecord => ({
    type: 'diagnostic',
    tool,
    leg: input.name,
    ...d,
  }));
  return { leg, tests, diagnostics };
}

function producersOf(reports: readonly ParsedReport[]): { producers?: string[] } {
  const producers = [...new Set(reports.flatMap((r) => (r.producer ? [r.producer] : [])))].sort();
  return producers.length > 0 ? { producers } : {};
}

/** Rerun files come after the run they repeat: order reports by their first timestamp. */
function byReportOrder(a: ParsedReport, b: ParsedReport): number {
  const ta = a.earliestTimestamp ?? '';
  const tb = b.earliestTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.report < b.report ? -1 : a.report > b.report ? 1 : 0;
}

function toTestRecord(
  id: string,
  leg: string,
  cases: ParsedCase[],
  severalReports: boolean,
): TestRecord {
  const first = cases[0]!;
  const last = cases[cases.length - 1]!;
  const attempts: Attempt[] = [];
  for (const testcase of cases) attemptsOf(testcase, attempts, severalReports);
  // Fields in reading order: the key and the verdict first, the evidence last.
  const test = {
    type: 'test',
    id,
    leg,
    outcome: foldOutcome(attempts),
    name: first.name,
    classname: first.classname,
  } as TestRecord;
  const suite =
    first.suites.length === 0
      ? ''
      : first.suites.length === 1
        ? first.suites[0]!
        : first.suites.join(' / ');
  if (suite !== '' && suite !== first.classname) test.suite = suite;
  if (first.file !== undefined) test.file = first.file;
  if (first.line !== undefined) test.line = first.line;
  test.attempts = attempts as TestRecord['attempts'];
  if (last.properties) test.properties = last.properties;
  return test;
}

/** Flaky when it both failed and passed; otherwise what its final non-skipped attempt was. */
export function foldOutcome(attempts: readonly Attempt[]): TestRecord['outcome'] {
  let passed = false;
  let failed = false;
  let final: AttemptOutcome = 'skipped';
  for (const attempt of attempts) {
    if (attempt.outcome === 'skipped') continue;
    final = attempt.outcome;
    if (attempt.outcome === 'passed') passed = true;
    else failed = true;
  }
  if (passed && failed) return 'flaky';
  return final;
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
function attemptsOf(testcase: ParsedCase, into: Attempt[], withReport: boolean): void {
  const own: ParsedResult[] = [];
  let mainAt = -1;
  for (const result of testcase.results) {
    if (
      result.kind === 'flakyFailure' ||
      result.kind === 'flakyError' ||
      result.kind === 'rerunFailure' ||
      result.kind === 'rerunError'
    ) {
      into.push(resultAttempt(result, testcase.report));
    } else {
      if (mainAt === -1) mainAt = into.length;
      own.push(result);
    }
  }
  const main: Attempt = { outcome: 'passed' };
  if (own.length > 0) {
    own.sort((a, b) => SEVERITY_ORDER[outcomeOf(b)] - SEVERITY_ORDER[outcomeOf(a)]);
    const [worst, ...rest] = own as [ParsedResult, ...ParsedResult[]];
    main.outcome = outcomeOf(worst);
    copyResult(worst, main);
    if (rest.length > 0) main.more = rest.map(moreResult);
  }
  if (testcase.duration !== undefined) main.duration = testcase.duration;
  if (testcase.stdout !== undefined) main.stdout = testcase.stdout;
  if (testcase.stderr !== undefined) main.stderr = testcase.stderr;
  if (withReport || main.outcome === 'failed' || main.outcome === 'error')
    main.report = testcase.report;
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

function resultAttempt(result: ParsedResult, report: string): Attempt {
  const attempt: Attempt = { outcome: outcomeOf(result) };
  if (result.duration !== undefined) attempt.duration = result.duration;
  copyResult(result, attempt);
  if (result.stdout !== undefined) attempt.stdout = result.stdout;
  if (result.stderr !== undefined) attempt.stderr = result.stderr;
  attempt.report = report;
  return attempt;
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
