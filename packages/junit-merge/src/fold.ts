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
  reports: Set<string>;
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
        group.reports.add(testcase.report);
      } else {
        groups.set(id, {
          cases: [testcase],
          producer: report.producer,
          reports: new Set([testcase.report]),
        });
      }
    }
  }

  const ids = [...groups.keys()].sort();
  const tests: TestRecord[] = new Array(ids.length);
  const counts = { tests: ids.length, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 };
  const collisions: string[] = [];
  let ambiguousReruns = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const group = groups.get(id)!;
    let cases = group.cases;
    if (cases.length > 1 && group.reports.size === 1 && !WRITES_RETRIES.has(group.producer)) {
      if (group.producer === 'pytest') {
        // pytest-rerunfailures writes earlier attempts as empty testcases: they prove nothing.
        const kept = cases.filter((c, n) => c.results.length > 0 || n === cases.length - 1);
        if (kept.length < cases.length) ambiguousReruns++;
        cases = kept;
      } else {
        collisions.push(id);
      }
    }
    const test = toTestRecord(id, input.name, cases, group.producer);
    counts[test.outcome]++;
    tests[i] = test;
  }

  if (collisions.length > 0) {
    drafts.push({
      severity: 'warning',
      code: 'duplicate-testcase',
      message: `${collisions.length} test id(s) appear more than once in one report, e.g. ${JSON.stringify(collisions[0])}: folded as attempts`,
      hint: 'give the tests distinct names, or check that two shards did not write into one file',
    });
  }
  if (ambiguousReruns > 0) {
    drafts.push({
      severity: 'info',
      code: 'rerun-attempts-empty',
      message: `${ambiguousReruns} pytest test(s) repeat with empty earlier testcases (pytest-rerunfailures): only attempts with a result were kept`,
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
  producer: Producer | undefined,
): TestRecord {
  const first = cases[0]!;
  const last = cases[cases.length - 1]!;
  const attempts: Attempt[] = [];
  for (const testcase of cases) attemptsOf(testcase, attempts);
  const test: TestRecord = {
    type: 'test',
    id,
    leg,
    name: first.name,
    classname: first.classname,
    attempts: attempts as TestRecord['attempts'],
    outcome: foldOutcome(attempts),
  };
  if (first.suites.length > 0) test.suite = first.suites.join(' / ');
  if (first.file !== undefined) test.file = first.file;
  if (first.line !== undefined) test.line = first.line;
  if (producer !== undefined) test.producer = producer;
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

/** Appends the attempts one testcase element stands for (Surefire packs several into one). */
function attemptsOf(testcase: ParsedCase, into: Attempt[]): void {
  const own: ParsedResult[] = [];
  const flaky: ParsedResult[] = [];
  const reruns: ParsedResult[] = [];
  for (const result of testcase.results) {
    if (result.kind === 'flakyFailure' || result.kind === 'flakyError') flaky.push(result);
    else if (result.kind === 'rerunFailure' || result.kind === 'rerunError') reruns.push(result);
    else own.push(result);
  }
  for (const result of flaky) into.push(resultAttempt(result, testcase.report));
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
  main.report = testcase.report;
  into.push(main);
  for (const result of reruns) into.push(resultAttempt(result, testcase.report));
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
  copyResult(result, attempt);
  if (result.stdout !== undefined) attempt.stdout = result.stdout;
  if (result.stderr !== undefined) attempt.stderr = result.stderr;
  attempt.report = report;
  return attempt;
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
