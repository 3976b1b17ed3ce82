import type { LegRecord, TestgateRecord } from '@testgate/stream';

/** Upper bounds of the test-duration histogram, in seconds. */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface LegSummary {
  name: string;
  /** Wall time as the reports state it; undefined when they do not. */
  wall: number | undefined;
  /** Sum of the tests' attempt times. */
  testTime: number;
  outcomes: { passed: number; failed: number; error: number; skipped: number; flaky: number };
  quarantined: number;
  /** Test-duration histogram: counts per bucket of BUCKETS, then above the last. */
  buckets: number[];
  /** Test time per suite (the test's suite, else its classname). */
  suites: Map<string, number>;
}

/** What one run's stream says about time, reduced to a few numbers per leg. */
export interface RunSummary {
  source: string;
  startedAt: string | undefined;
  branch: string | undefined;
  commit: string | undefined;
  legs: Map<string, LegSummary>;
}

function emptyLeg(name: string): LegSummary {
  return {
    name,
    wall: undefined,
    testTime: 0,
    outcomes: { passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 },
    quarantined: 0,
    buckets: new Array<number>(BUCKETS.length + 1).fill(0),
    suites: new Map(),
  };
}

/** Reads a run's stream (any stage's output) into its summary, in constant memory. */
export async function summarizeRun(
  records: AsyncIterable<TestgateRecord>,
  source: string,
): Promise<RunSummary> {
  const run: RunSummary = {
    source,
    startedAt: undefined,
    branch: undefined,
    commit: undefined,
    legs: new Map(),
  };
  const leg = (name: string): LegSummary => {
    let found = run.legs.get(name);
    if (!found) run.legs.set(name, (found = emptyLeg(name)));
    return found;
  };
  for await (const record of records) {
    if (record.type === 'run' && run.startedAt === undefined) {
      run.startedAt = record.startedAt;
      run.branch = record.branch;
      run.commit = record.commit;
    } else if (record.type === 'leg') {
      leg(record.name).wall = (record as LegRecord).duration;
    } else if (record.type === 'test') {
      const summary = leg(record.leg);
      const seconds = record.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
      summary.testTime += seconds;
      summary.outcomes[record.outcome]++;
      if (record.quarantine) summary.quarantined++;
      let bucket = BUCKETS.findIndex((bound) => seconds <= bound);
      if (bucket === -1) bucket = BUCKETS.length;
      summary.buckets[bucket]!++;
      const suite = record.suite ?? record.classname;
      summary.suites.set(suite, (summary.suites.get(suite) ?? 0) + seconds);
    }
  }
  return run;
}

/** The share of a leg's tests that failed or errored: a mass failure cuts a run short. */
export function failedShare(leg: LegSummary): number {
  const o = leg.outcomes;
  const ran = o.passed + o.failed + o.error + o.flaky;
  return ran === 0 ? 0 : (o.failed + o.error) / ran;
}

/** A run's summary as JSON: what `--format json` prints. */
export function summaryJson(run: RunSummary): unknown {
  return {
    source: run.source,
    startedAt: run.startedAt,
    legs: [...run.legs.values()].map((leg) => ({ ...leg, suites: Object.fromEntries(leg.suites) })),
  };
}
