import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryEntry, TestRecord, TestgateRecord } from '@testgate/stream';
import { FlakeDetector, HistoryIndex, type HistoryQuery } from '../src/index.js';
import type { HistoryView } from '../src/history-view.js';
import { legCounts } from './_streams.js';

// A seeded CI history for the per-test state's tests, and the oracle the state replaces:
// every entry of the window in a HistoryIndex.
export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

export type Outcome = HistoryEntry['outcome'];

// The benchmark's simulation: its seeded generator, and its runs replayed below.
export const sim = (await import(join(root, 'bench/flake-detect/simulate.mjs'))) as {
  random: (seed: number) => () => number;
  makeTests: (o: object) => Array<{ name: string; leg: string }>;
  runs: (
    tests: unknown,
    o: object,
  ) => Iterable<{
    index: number;
    commit: string;
    attempt: number;
    results: Map<{ name: string; leg: string }, string[]>;
    twinResults: Map<{ name: string; leg: string }, string[]>;
  }>;
  twinOf: (leg: string) => string;
};

export interface Run {
  run: string;
  attempt: number;
  commit: string;
  branch: string;
  time: number;
  /** leg -> test id -> outcome */
  legs: Map<string, Map<string, Outcome>>;
}

export function entriesOf(run: Run): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const [leg, tests] of run.legs)
    for (const [id, outcome] of tests)
      entries.push({
        id,
        leg,
        commit: run.commit,
        branch: run.branch,
        run: run.run,
        attempt: run.attempt,
        outcome,
        ...(outcome === 'failed' || outcome === 'error'
          ? { signatures: [`sig1:${(id.length % 7).toString(16).padStart(12, '0')}`] }
          : {}),
        duration: 0.25,
        time: new Date(run.time).toISOString(),
      });
  return entries;
}

/** The stream of a run, as junit-merge writes it, for the detector. */
export function streamOf(run: Run, plan: Map<string, Record<string, unknown>>): TestgateRecord[] {
  const records: TestgateRecord[] = [
    {
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      commit: run.commit,
      branch: run.branch,
      runId: run.run,
      attempt: run.attempt,
      startedAt: new Date(run.time).toISOString(),
    },
  ];
  for (const [leg, tests] of run.legs) {
    records.push({
      type: 'leg',
      name: leg,
      status: 'reported',
      ...(plan.get(leg) && { matrix: plan.get(leg) }),
      files: [],
      counts: legCounts([...tests.values()]),
    } as TestgateRecord);
  }
  for (const [leg, tests] of run.legs)
    for (const [id, outcome] of tests) {
      const attempts: TestRecord['attempts'] =
        outcome === 'flaky'
          ? [
              { outcome: 'failed', message: 'race', signature: 'sig1:00000000000f' },
              { outcome: 'passed' },
            ]
          : outcome === 'failed' || outcome === 'error'
            ? [{ outcome, message: 'boom', signature: 'sig1:0000000000aa' }]
            : [{ outcome }];
      records.push({ type: 'test', id, leg, name: id, classname: '', attempts, outcome });
    }
  records.push({ type: 'end', tool: 'junit-merge', records: records.length });
  return records;
}

/**
 * A seeded CI history with what makes state hard: shards that trade tests, reruns of a
 * commit, a feature branch, outages, skips, tests added and removed, flaky, broken and
 * fixed tests, and a run recorded late.
 */
export function history(seed: number, count: number): Run[] {
  const rand = sim.random(seed);
  const runs: Run[] = [];
  const start = Date.UTC(2026, 10, 1);
  let commit = 0;
  for (let i = 0; i < count; i++) {
    const rerun = i > 0 && rand() < 0.2;
    if (!rerun) commit++;
    const previous = runs.at(-1);
    const branch = rand() < 0.25 ? 'feature' : 'main';
    const run: Run = {
      run: `r${i}`,
      attempt: 1,
      commit: rerun && previous ? previous.commit : `c${commit}`,
      branch: rerun && previous ? previous.branch : branch,
      time: start + i * 6 * HOUR,
      legs: new Map(),
    };
    if (rerun && previous) {
      run.run = previous.run;
      run.attempt = previous.attempt + 1;
    }
    const outage = rand() < 0.08 ? (rand() < 0.5 ? 'api' : 'unit-1') : undefined;
    for (let t = 0; t < 60; t++) {
      // Tests 50-59 come in after run 10; tests 0-4 leave after run 40.
      if ((t >= 50 && i < 10) || (t < 5 && i > 40)) continue;
      const id = `t${t}`;
      // The unit tests move between two shards as the plan changes every 7 runs.
      const leg = t % 3 === 0 ? 'api' : (t + Math.floor(i / 7)) % 2 === 0 ? 'unit-1' : 'unit-2';
      let outcome: Outcome = 'passed';
      if (t % 11 === 0) outcome = rand() < 0.3 ? 'skipped' : 'passed';
      if (t % 13 === 5 && rand() < 0.25) outcome = rand() < 0.5 ? 'flaky' : 'failed';
      if (t === 7 && i >= 20 && i < 26) outcome = 'failed';
      if (t === 8 && i >= 30) outcome = rand() < 0.5 ? 'error' : 'failed';
      if (leg === outage && rand() < 0.6) outcome = 'failed';
      let tests = run.legs.get(leg);
      if (!tests) run.legs.set(leg, (tests = new Map()));
      tests.set(id, outcome);
    }
    runs.push(run);
  }
  // A run recorded late: its time is before the last ones'.
  const late = runs.at(-5)!;
  runs.push({ ...late, run: 'late', time: late.time - 30 * HOUR, commit: 'c-late' });
  return runs;
}

export const PLAN = new Map<string, Record<string, unknown>>([
  ['unit-1', { kind: 'unit', shard: 1 }],
  ['unit-2', { kind: 'unit', shard: 2 }],
  ['api', { kind: 'api' }],
]);

/** The old way: every entry of the window, the current run attempt left out. */
export function oracle(entries: HistoryEntry[], query: HistoryQuery): HistoryIndex {
  const index = new HistoryIndex();
  for (const e of entries)
    if (
      e.time >= query.since &&
      !(e.run === query.current.run && e.attempt === query.current.attempt)
    )
      index.add(e);
  return index;
}

export async function labelled(
  load: (query: HistoryQuery) => Promise<HistoryView>,
  records: TestgateRecord[],
  now: number,
  windowMs: number,
) {
  const detector = new FlakeDetector(load, {
    windowMs,
    now: new Date(now),
    ledger: {
      quarantined: [
        {
          test: 't7',
          reason: 'r',
          owner: 'o',
          quarantinedDate: '2026-11-01',
          deadline: '2027-01-01',
        },
      ],
    },
  });
  const out: string[] = [];
  for await (const record of detector.detect(
    (async function* () {
      yield* records;
    })(),
  ))
    out.push(JSON.stringify(record));
  return {
    out,
    proposals: JSON.stringify(detector.proposals),
    counts: JSON.stringify(detector.counts),
  };
}
