import type { Attempt, RunRecord, TestRecord, VerdictDocument } from '@testgate/stream';

/** The CTRF specification version written (the one the `ctrf` reference package knows). */
export const CTRF_SPEC_VERSION = '0.0.0';

type CtrfStatus = 'passed' | 'failed' | 'skipped';

const STATUS: Record<Attempt['outcome'], CtrfStatus> = {
  passed: 'passed',
  failed: 'failed',
  error: 'failed',
  skipped: 'skipped',
};

const ms = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1000);

/** One test record as a CTRF test: its attempts before the last as `retryAttempts`. */
function ctrfTest(test: TestRecord): Record<string, unknown> {
  const final = test.attempts.at(-1);
  const failing = [...test.attempts]
    .reverse()
    .find((a) => a.outcome === 'failed' || a.outcome === 'error');
  const earlier = test.attempts.slice(0, -1);
  const testgate: Record<string, unknown> = { leg: test.leg };
  if (test.flake !== undefined) testgate.flake = test.flake;
  if (test.quarantine !== undefined) testgate.quarantine = test.quarantine;
  return {
    testId: test.id,
    name: test.name === '' ? test.id : test.name,
    status: test.outcome === 'flaky' ? 'passed' : STATUS[test.outcome],
    duration: ms(final?.duration),
    ...(test.suite !== undefined && test.suite !== '' && { suite: [test.suite] }),
    ...(failing?.message !== undefined && { message: failing.message }),
    ...(failing?.details !== undefined && { trace: failing.details }),
    ...(test.file !== undefined && { filePath: test.file }),
    ...(test.line !== undefined && { line: test.line }),
    rawStatus: test.outcome,
    ...(earlier.length > 0 && {
      retries: earlier.length,
      retryAttempts: earlier.map((a, n) => ({
        attempt: n + 1,
        status: STATUS[a.outcome],
        duration: ms(a.duration),
        ...(a.message !== undefined && { message: a.message }),
        ...(a.details !== undefined && { trace: a.details }),
      })),
    }),
    ...(test.outcome === 'flaky' && { flaky: true }),
    extra: { testgate },
  };
}

/**
 * The run as one CTRF document, written while the verdict is decided: each test as it
 * passes by (`test`), then the summary and the verdict (`finish`). Every reason the gate is
 * red that is no test's failure (a missing leg, a cut-off report, an expired quarantine) is
 * a failed test of its own, so that a reader of CTRF alone fails closed too. Our labels and
 * the verdict go in `extra.testgate`, the extension point CTRF keeps for tools.
 */
export class CtrfReport {
  readonly #tests: string[] = [];
  readonly #counts = { tests: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 };
  #run: RunRecord | undefined;

  run(record: RunRecord): void {
    this.#run ??= record;
  }

  test(record: TestRecord): void {
    const test = ctrfTest(record);
    this.#count(test.status as CtrfStatus, record.outcome === 'flaky');
    this.#tests.push(JSON.stringify(test));
  }

  /** The whole document, in pieces. */
  *finish(verdict: VerdictDocument): Generator<string> {
    const blockingTests = new Set(['tests-failed', 'tests-flaky']);
    const reasons = verdict.reasons
      .filter((r) => !blockingTests.has(r.code))
      .map((r) => ({
        testId: `testgate::${r.code}${r.leg === undefined ? '' : `::${r.leg}`}`,
        name: `${r.code}${r.leg === undefined ? '' : ` (${r.leg})`}`,
        status: 'failed',
        duration: 0,
        message: r.message,
        rawStatus: 'error',
        extra: { testgate: { reason: r.code } },
      }));
    this.#counts.tests += reasons.length;
    this.#counts.failed += reasons.length;
    const start = this.#run?.startedAt === undefined ? 0 : Date.parse(this.#run.startedAt);
    const longest = Math.max(0, ...verdict.legs.map((l) => ms(l.duration)));
    const run = this.#run;
    yield `{"reportFormat":"CTRF","specVersion":"${CTRF_SPEC_VERSION}","generatedBy":"gate-verdict"`;
    if (run?.runId !== undefined) yield `,"runId":${JSON.stringify(run.runId)}`;
    if (run?.startedAt !== undefined) yield `,"timestamp":${JSON.stringify(run.startedAt)}`;
    yield `,"results":{"tool":{"name":"testgate"},"summary":${JSON.stringify({
      ...this.#counts,
      pending: 0,
      other: 0,
      start,
      stop: start + longest,
    })},"tests":[`;
    const tests = [...this.#tests, ...reasons.map((r) => JSON.stringify(r))];
    for (let n = 0; n < tests.length; n++) yield `${n === 0 ? '' : ','}${tests[n]}`;
    const extra = {
      verdict: verdict.verdict,
      reasons: verdict.reasons,
      ...(run?.commit !== undefined && { commit: run.commit }),
      ...(run?.branch !== undefined && { branch: run.branch }),
      legs: verdict.legs.map((l) => ({ name: l.name, status: l.status, counts: l.counts })),
    };
    yield `],"extra":{"testgate":${JSON.stringify(extra)}}}}\n`;
  }

  #count(status: CtrfStatus, flaky: boolean): void {
    this.#counts.tests++;
    this.#counts[status]++;
    if (flaky) this.#counts.flaky++;
  }
}
