import type {
  ExcusedTest,
  Finding,
  LegRecord,
  TestRecord,
  TestRef,
  TestgateRecord,
  VerdictDocument,
  VerdictLeg,
} from '@testgate/stream';
import {
  type ExpectedLeg,
  attemptsSummary,
  failureSignatures,
  foldOutcome,
  formatPlace,
  globMatcher,
} from '@testgate/stream';
import type { Budget } from './budgets.js';
import { causeCounts, causeRank } from './flake-label.js';

export interface VerdictOptions {
  /**
   * Legs that must have reported, besides what the stream itself expects; one with
   * `blocking: false` only warns.
   */
  expect?: ExpectedLeg[] | undefined;
  /**
   * Whether flaky tests only show (`warn`) or make the gate red (`fail`).
   * @default 'warn'
   */
  flaky?: 'warn' | 'fail';
  /**
   * Let a run in which no test ran be green.
   * @default false
   */
  allowEmpty?: boolean;
  budgets?: Budget[] | undefined;
  /** Called with every test, for reports that list them all (the HTML report). */
  onTest?: ((test: TestRecord) => void) | undefined;
}

/** How many of the slowest tests of a leg a budget warning names. */
const SUSPECTS = 3;

interface LegTiming {
  /** Total test time per suite, for suite budgets. */
  suites: Map<string, number>;
  /** The slowest tests, slowest first. */
  slowest: Array<{ id: string; seconds: number }>;
}

/**
 * Reads a testgate stream to its end and decides: green only when every expected leg
 * reported, nothing blocking failed, the stream was whole, tests ran and no hard budget
 * was exceeded. Keeps counts, the failures and the few slowest tests per leg, never the
 * whole stream, so a million tests pass through in constant memory.
 */
export async function decideVerdict(
  records: AsyncIterable<TestgateRecord>,
  options: VerdictOptions = {},
): Promise<VerdictDocument> {
  const legs = new Map<string, VerdictLeg>();
  const timings = new Map<string, LegTiming>();
  const counts = { tests: 0, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, excused: 0 };
  const blocking: TestRef[] = [];
  const excused: ExcusedTest[] = [];
  const flakyBlocking: TestRef[] = [];
  const reasons: Finding[] = [];
  const warnings: Finding[] = [];
  const flakyFails = options.flaky === 'fail';
  const timeSuites = (options.budgets ?? []).some((b) => b.suite !== undefined);

  // Legs whose failures and problems show but never block (--expect "blocking": false).
  const notBlocking = new Set(
    (options.expect ?? []).filter((l) => l.blocking === false).map((l) => l.name),
  );

  for await (const record of records) {
    if (record.type === 'leg') {
      legs.set(record.name, legOf(record));
      if (record.blocking === false) notBlocking.add(record.name);
    } else if (record.type === 'diagnostic') {
      const finding: Finding = { code: record.code, message: diagnosticText(record) };
      if (record.leg !== undefined) finding.leg = record.leg;
      if (record.test !== undefined) finding.test = record.test;
      if (record.tests !== undefined) finding.tests = record.tests;
      const blocks = record.severity === 'error' && !notBlocking.has(record.leg ?? '');
      (blocks ? reasons : warnings).push(finding);
    } else if (record.type === 'test') {
      const outcome = trustedOutcome(record, reasons);
      counts.tests++;
      counts[outcome]++;
      options.onTest?.(record);
      track(timings, record, timeSuites);
      if (outcome === 'failed' || outcome === 'error') {
        const quarantine = quarantineOf(record, reasons);
        if (quarantine) {
          counts.excused++;
          excused.push({ ...refOf(record), why: 'quarantined', evidence: quarantine });
        } else if (notBlocking.has(record.leg)) {
          counts.excused++;
          excused.push({ ...refOf(record), why: 'leg-not-blocking' });
        } else {
          blocking.push(refOf(record));
        }
      } else if (outcome === 'flaky') {
        if (flakyFails && !notBlocking.has(record.leg)) flakyBlocking.push(refOf(record));
        else excused.push({ ...refOf(record), why: 'flaky', evidence: attemptsEvidence(record) });
      }
    }
  }

  for (const { name } of options.expect ?? []) {
    const leg = legs.get(name);
    if (!leg)
      (notBlocking.has(name) ? warnings : reasons).push({
        code: 'leg-missing',
        leg: name,
        message: `expected leg ${JSON.stringify(name)} is not in the stream`,
      });
  }
  const expected = new Set((options.expect ?? []).map((l) => l.name));
  for (const leg of legs.values()) {
    const code = `leg-${leg.status}`;
    // What is wrong with a leg that does not block is a warning, said by junit-merge.
    if (notBlocking.has(leg.name)) continue;
    // junit-merge's own diagnostic already gave this reason, with its hint.
    if (reasons.some((r) => r.code === code && r.leg === leg.name)) continue;
    if (
      leg.status === 'missing' ||
      leg.status === 'unreadable' ||
      (leg.status === 'empty' && expected.has(leg.name))
    ) {
      reasons.push({
        code,
        leg: leg.name,
        message: `leg ${JSON.stringify(leg.name)} is ${leg.status}`,
      });
    }
  }
  const ran = counts.passed + counts.failed + counts.error + counts.flaky;
  if (ran === 0 && !options.allowEmpty) {
    reasons.push({
      code: 'no-tests',
      message:
        counts.tests === 0
          ? 'no test ran: the stream holds no test'
          : `no test ran: all ${counts.tests} were skipped`,
    });
  }
  // What this change caused first: the failures someone must look at on this pull request.
  blocking.sort((a, b) => causeRank(a.flake) - causeRank(b.flake) || byLegThenId(a, b));
  byLegAndId(excused);
  byLegAndId(flakyBlocking);
  if (blocking.length > 0) {
    const causes = causeCounts(blocking);
    reasons.push({
      code: 'tests-failed',
      message: `${blocking.length} test(s) failed${causes ? ` (${causes})` : ''}, first ${JSON.stringify(blocking[0]!.id)} in leg ${JSON.stringify(blocking[0]!.leg)}: ${blocking[0]!.summary}`,
    });
  }
  if (flakyBlocking.length > 0) {
    reasons.push({
      code: 'tests-flaky',
      message: `${flakyBlocking.length} test(s) are flaky and --flaky fail is set, first ${JSON.stringify(flakyBlocking[0]!.id)}`,
    });
    blocking.push(...flakyBlocking);
  }
  const knownFlaky = blocking.filter(
    (t) => t.flake?.status === 'flaky' || t.flake?.status === 'suspect',
  );
  if (knownFlaky.length > 0)
    warnings.push({
      code: 'known-flaky-blocking',
      test: knownFlaky[0]!.id,
      message: `${knownFlaky.length} blocking failure(s) are known flaky, first ${JSON.stringify(knownFlaky[0]!.id)}: quarantine them (flake-detect --propose lists them) or fix them`,
    });
  const flakyExcused = excused.filter((t) => t.why === 'flaky').length;
  if (flakyExcused > 0)
    warnings.push({
      code: 'tests-flaky',
      message: `${flakyExcused} flaky test(s) passed on a retry: shown, not blocking`,
    });
  checkBudgets(options.budgets ?? [], legs, timings, reasons, warnings);

  return {
    version: 1,
    verdict: reasons.length === 0 ? 'green' : 'red',
    reasons,
    warnings,
    counts,
    legs: [...legs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    blocking,
    excused,
  };
}

function legOf(record: LegRecord): VerdictLeg {
  const leg: VerdictLeg = { name: record.name, status: record.status, counts: record.counts };
  if (record.matrix) leg.matrix = record.matrix;
  if (record.blocking === false) leg.blocking = false;
  if (record.duration !== undefined) leg.duration = record.duration;
  if (record.planned !== undefined) leg.planned = record.planned;
  if (record.recentTestSeconds !== undefined) leg.recentTestSeconds = record.recentTestSeconds;
  return leg;
}

function diagnosticText(record: Extract<TestgateRecord, { type: 'diagnostic' }>): string {
  return record.file === undefined
    ? record.message
    : `${formatPlace({ file: record.file, line: record.line })}: ${record.message}`;
}

// How red an outcome is: a record is read as the redder of what it says and what its attempts say.
const REDNESS: Record<TestRecord['outcome'], number> = {
  passed: 0,
  skipped: 0,
  flaky: 1,
  failed: 2,
  error: 3,
};

/**
 * The outcome a test's attempts support. A record that says otherwise (valid against the
 * schema, but `passed` over a failed attempt, `flaky` with every attempt failed, or no
 * attempt at all) is an error, and the redder reading counts.
 */
function trustedOutcome(test: TestRecord, reasons: Finding[]): TestRecord['outcome'] {
  const derived = test.attempts.length === 0 ? 'error' : foldOutcome(test.attempts);
  if (derived === test.outcome) return derived;
  reasons.push({
    code: 'test-contradicts-attempts',
    leg: test.leg,
    test: test.id,
    message: `test ${JSON.stringify(test.id)} in leg ${JSON.stringify(test.leg)} says ${test.outcome}, but its attempts say ${test.attempts.length === 0 ? 'nothing (it has none)' : derived}`,
  });
  return REDNESS[derived] >= REDNESS[test.outcome] ? derived : test.outcome;
}

function refOf(test: TestRecord): TestRef {
  const ref: TestRef = { id: test.id, leg: test.leg, outcome: test.outcome };
  if (test.outcome === 'failed' || test.outcome === 'error' || test.outcome === 'flaky')
    ref.summary = attemptsSummary(test.attempts);
  const failure = test.attempts.find((a) => a.outcome === 'failed' || a.outcome === 'error');
  if (failure?.message !== undefined) ref.message = failure.message;
  if (failure?.details !== undefined) ref.details = failure.details;
  if (test.file !== undefined) ref.file = test.file;
  if (test.line !== undefined) ref.line = test.line;
  if (test.flake !== undefined) ref.flake = test.flake;
  return ref;
}

/**
 * The quarantine-filter's mark on a test whose failure does not block, if any. The mark
 * must name the ledger entry behind it (its test pattern matching this test, an owner, a
 * reason and a deadline): one that does not excuses nothing, and is an error.
 */
function quarantineOf(test: TestRecord, reasons: Finding[]): Record<string, unknown> | undefined {
  const mark = test.quarantine as Record<string, unknown> | undefined;
  if (!mark || typeof mark !== 'object' || mark.blocks !== false) return undefined;
  // An entry pinned to a signature excuses that failure only, whatever the mark says.
  if (
    typeof mark.signature === 'string' &&
    (test.outcome === 'failed' || test.outcome === 'error') &&
    !failureSignatures(test).every((s) => s === mark.signature)
  )
    return undefined;
  const named =
    typeof mark.test === 'string' &&
    globMatcher(mark.test)(test.id) &&
    ['owner', 'reason', 'deadline'].every((k) => typeof mark[k] === 'string' && mark[k] !== '');
  if (named) return mark;
  reasons.push({
    code: 'quarantine-mark-invalid',
    leg: test.leg,
    test: test.id,
    message: `test ${JSON.stringify(test.id)} in leg ${JSON.stringify(test.leg)} is marked as not blocking, but the mark names no ledger entry that matches it`,
  });
  return undefined;
}

/** The attempts that prove a test flaky: outcome, message and report of each. */
function attemptsEvidence(test: TestRecord): Array<Record<string, unknown>> {
  return test.attempts.map((a) => {
    const evidence: Record<string, unknown> = { outcome: a.outcome };
    if (a.message !== undefined) evidence.message = a.message;
    if (a.report !== undefined) evidence.report = a.report;
    return evidence;
  });
}

function track(timings: Map<string, LegTiming>, test: TestRecord, timeSuites: boolean): void {
  let timing = timings.get(test.leg);
  if (!timing) timings.set(test.leg, (timing = { suites: new Map(), slowest: [] }));
  const seconds = test.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
  if (timeSuites) {
    const suite = test.suite ?? test.classname;
    timing.suites.set(suite, (timing.suites.get(suite) ?? 0) + seconds);
  }
  const { slowest } = timing;
  if (slowest.length < SUSPECTS || seconds > slowest[slowest.length - 1]!.seconds) {
    slowest.push({ id: test.id, seconds });
    slowest.sort((a, b) => b.seconds - a.seconds || (a.id < b.id ? -1 : 1));
    if (slowest.length > SUSPECTS) slowest.pop();
  }
}

function checkBudgets(
  budgets: Budget[],
  legs: Map<string, VerdictLeg>,
  timings: Map<string, LegTiming>,
  reasons: Finding[],
  warnings: Finding[],
): void {
  const names = [...legs.keys()].sort();
  for (const budget of budgets) {
    if (budget.leg !== undefined) {
      const matches = globMatcher(budget.leg);
      for (const name of names.filter(matches)) {
        const leg = legs.get(name)!;
        // The first budget that names a leg is the one its reports draw.
        leg.budget ??= { target: budget.target, hard: budget.hard };
        const seconds = leg.duration;
        if (seconds !== undefined)
          judge(`leg ${JSON.stringify(name)}`, seconds, budget, name, timings, reasons, warnings);
      }
    } else if (budget.suite !== undefined) {
      const matches = globMatcher(budget.suite);
      for (const name of names) {
        const suites = [...(timings.get(name)?.suites ?? [])]
          .filter(([suite]) => matches(suite))
          .sort();
        for (const [suite, seconds] of suites)
          judge(
            `suite ${JSON.stringify(suite)} in leg ${JSON.stringify(name)}`,
            seconds,
            budget,
            name,
            timings,
            reasons,
            warnings,
          );
      }
    }
  }
}

function judge(
  what: string,
  seconds: number,
  budget: Budget,
  leg: string,
  timings: Map<string, LegTiming>,
  reasons: Finding[],
  warnings: Finding[],
): void {
  if (seconds <= budget.target) return;
  const suspects = (timings.get(leg)?.slowest ?? [])
    .map((s) => `${s.id} (${round(s.seconds)} s)`)
    .join(', ');
  const took = `${what} took ${round(seconds)} s`;
  if (seconds > budget.hard) {
    reasons.push({
      code: 'budget-exceeded',
      leg,
      message: `${took}, over its hard limit of ${budget.hard} s; slowest: ${suspects || 'no timed test'}`,
    });
  } else {
    warnings.push({
      code: 'budget-target',
      leg,
      message: `${took}, over its target of ${budget.target} s (hard limit ${budget.hard} s); slowest: ${suspects || 'no timed test'}`,
    });
  }
}

function byLegAndId(refs: TestRef[]): void {
  refs.sort(byLegThenId);
}

function byLegThenId(a: TestRef, b: TestRef): number {
  return a.leg !== b.leg ? (a.leg < b.leg ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
