import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@testgate/stream';
import type { HistoryQuery } from '../src/index.js';
import { HistoryState } from '../src/history-state.js';
import {
  DAY,
  HOUR,
  type Outcome,
  PLAN,
  type Run,
  entriesOf,
  history,
  labelled,
  oracle,
  sim,
  streamOf,
} from './_history.js';

// The per-test state against the oracle it replaces: every entry of the window in a
// HistoryIndex. The same history through both gives byte-identical labelled streams,
// proposals and counts.

function stateOf(entries: HistoryEntry[], query: HistoryQuery) {
  const state = new HistoryState();
  state.add(entries.filter((e) => e.time >= query.since));
  return state.view(query);
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
