import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, TestRecord, TestgateRecord } from '@testgate/stream';
import { FlakeDetector, HistoryIndex, type HistoryQuery } from '../src/index.js';
import { HistoryState } from '../src/history-state.js';
import { legCounts } from './_streams.js';

// The per-test state against the oracle it replaces: every entry of the window in a
// HistoryIndex. The same history through both gives byte-identical labelled streams,
// proposals and counts.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Outcome = HistoryEntry['outcome'];

// The benchmark's simulation: its seeded generator, and its runs replayed below.
const sim = (await import(join(root, 'bench/flake-detect/simulate.mjs'))) as {
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

interface Run {
  run: string;
  attempt: number;
  commit: string;
  branch: string;
  time: number;
  /** leg -> test id -> outcome */
  legs: Map<string, Map<string, Outcome>>;
}

function entriesOf(run: Run): HistoryEntry[] {
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
function streamOf(run: Run, plan: Map<string, Record<string, unknown>>): TestgateRecord[] {
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
function history(seed: number, count: number): Run[] {
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

const PLAN = new Map<string, Record<string, unknown>>([
  ['unit-1', { kind: 'unit', shard: 1 }],
  ['unit-2', { kind: 'unit', shard: 2 }],
  ['api', { kind: 'api' }],
]);

/** The old way: every entry of the window, the current run attempt left out. */
function oracle(entries: HistoryEntry[], query: HistoryQuery): HistoryIndex {
  const index = new HistoryIndex();
  for (const e of entries)
    if (
      e.time >= query.since &&
      !(e.run === query.current.run && e.attempt === query.current.attempt)
    )
      index.add(e);
  return index;
}

function stateOf(entries: HistoryEntry[], query: HistoryQuery) {
  const state = new HistoryState();
  state.add(entries.filter((e) => e.time >= query.since));
  return state.view(query);
}

async function labelled(
  load: (query: HistoryQuery) => Promise<ReturnType<typeof stateOf>>,
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

describe('per-test history state', () => {
  it('labels every run of a seeded history byte for byte as the full window does', async () => {
    const runs = history(7, 70);
    const windowMs = 10 * DAY;
    let checked = 0;
    for (const at of [15, 30, 45, 60, 68, 70]) {
      const current = runs[at]!;
      const entries = runs.slice(0, at).flatMap(entriesOf);
      const records = streamOf(current, PLAN);
      const now = current.time + HOUR;
      const old = await labelled(async (q) => oracle(entries, q), records, now, windowMs);
      const fresh = await labelled(async (q) => stateOf(entries, q), records, now, windowMs);
      expect(fresh.out).toEqual(old.out);
      expect(fresh.proposals).toBe(old.proposals);
      expect(fresh.counts).toBe(old.counts);
      checked += old.out.length;
    }
    // The history had something to say: not every test stable or new.
    const last = await labelled(
      async (q) => stateOf(runs.slice(0, 68).flatMap(entriesOf), q),
      streamOf(runs[68]!, PLAN),
      runs[68]!.time + HOUR,
      windowMs,
    );
    expect(JSON.parse(last.counts)).toMatchObject({
      flaky: expect.any(Number),
      broken: expect.any(Number),
    });
    expect(JSON.parse(last.counts).flaky).toBeGreaterThan(0);
    expect(JSON.parse(last.counts).broken).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(300);
  });

  it('labels the benchmark simulation byte for byte as the full window does', async () => {
    const options = { tests: 300, runs: 120, twins: true, retryShare: 0.5 };
    const tests = sim.makeTests(options);
    const start = Date.UTC(2026, 10, 1);
    const runs: Run[] = [];
    for (const r of sim.runs(tests, options)) {
      const legs = new Map<string, Map<string, Outcome>>();
      const add = (leg: string, name: string, attempts: string[]) => {
        let m = legs.get(leg);
        if (!m) legs.set(leg, (m = new Map()));
        const outcome: Outcome =
          attempts.at(-1) === 'passed' ? (attempts.length > 1 ? 'flaky' : 'passed') : 'failed';
        m.set(name, outcome);
      };
      for (const [t, attempts] of r.results) add(t.leg, t.name, attempts);
      for (const [t, attempts] of r.twinResults) add(sim.twinOf(t.leg), t.name, attempts);
      runs.push({
        run: `run-${r.index}`,
        attempt: 1,
        commit: `${r.commit}-${r.attempt}`.replace(/-1$/, ''),
        branch: 'main',
        time: start + r.index * HOUR,
        legs,
      });
    }
    for (const at of [40, 80, 119]) {
      const entries = runs.slice(0, at).flatMap(entriesOf);
      const records = streamOf(runs[at]!, new Map());
      const now = runs[at]!.time + HOUR;
      const old = await labelled(async (q) => oracle(entries, q), records, now, 30 * DAY);
      const fresh = await labelled(async (q) => stateOf(entries, q), records, now, 30 * DAY);
      expect(fresh.out).toEqual(old.out);
      expect(fresh.proposals).toBe(old.proposals);
    }
  });

  it('keeps a test that passed every time as one stretch, counts a run recorded twice once, and drops what left the window', () => {
    const runs: Run[] = Array.from({ length: 30 }, (_, i) => ({
      run: `r${i}`,
      attempt: 1,
      commit: `c${i}`,
      branch: 'main',
      time: Date.UTC(2026, 10, 1) + i * HOUR,
      legs: new Map([
        [
          'unit',
          new Map<string, Outcome>([
            ['a', 'passed'],
            ['b', i === 10 ? 'failed' : 'passed'],
            ['c', i === 10 ? 'skipped' : 'passed'],
            ['d', i === 10 ? 'failed' : 'passed'],
          ]),
        ],
      ]),
    }));
    const state = new HistoryState();
    for (const run of runs) state.add(entriesOf(run));
    state.add(entriesOf(runs[12]!));
    expect(state.tests.get('a\u0000unit')!.stretches[0]).toEqual([[0, 29]]);
    expect(state.tests.get('b\u0000unit')!.stretches.slice(0, 2)).toEqual([
      [
        [0, 9],
        [11, 29],
      ],
      [[10, 10]],
    ]);
    const view = state.view({
      since: '2026-01-01T00:00:00.000Z',
      current: {
        run: 'now',
        attempt: 1,
        commit: 'c30',
        branch: 'main',
        time: runs[29]!.time + HOUR,
      },
    });
    expect(view.runCount).toBe(30);
    // One classification serves tests whose outcomes are the same in every run, only those.
    expect(view.outcomesKey('b', 'unit')).toBe(view.outcomesKey('d', 'unit'));
    expect(view.outcomesKey('b', 'unit')).not.toBe(view.outcomesKey('c', 'unit'));
    expect(view.outcomesKey('b', 'unit')).not.toBe(view.outcomesKey('a', 'unit'));
    expect(view.recentTestSeconds('unit', 3)).toEqual([1, 1, 1]);
    // Run 12, recorded twice, once; run 10, with a test skipped, without it.
    expect(view.recentTestSeconds('unit', 30).slice(10, 13)).toEqual([0.75, 1, 1]);
    expect(view.observationsOf('b', 'unit').map((o) => o.outcome)).toHaveLength(30);
    state.expire(new Date(runs[20]!.time).toISOString());
    expect(state.tests.get('a\u0000unit')!.stretches[0]).toEqual([[20, 29]]);
    expect(state.tests.get('b\u0000unit')!.stretches[1]).toEqual([]);
    expect(state.runs.size).toBe(10);
    state.expire(new Date(runs[29]!.time + 1).toISOString());
    expect(state.tests.size).toBe(0);
    expect(state.runs.size).toBe(0);
    expect(state.legs.size).toBe(0);
  });
});
