import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@testgate/stream';
import { HistoryState } from '../src/history-state.js';
import {
  type HistoryOutcome,
  type Observation,
  type RunInfo,
  classify,
  cleanStreak,
} from '../src/index.js';

/**
 * A small hand-built history: one line per run, `commit[:attempt] outcome`, in time
 * order; `!` after the outcome marks an outage run. The last line is the current run.
 */
function history(
  lines: string[],
  branch = 'main',
): { observations: Observation[]; current: RunInfo } {
  const observations = lines.map((line, i): Observation => {
    const m = /^(\S+?)(?::(\d+))?(?:@(\S+))? (\w+)(!?)$/.exec(line);
    if (!m) throw new Error(`bad line ${line}`);
    return {
      run: {
        run: `r${i + 1}`,
        attempt: Number(m[2] ?? 1),
        commit: m[1]!,
        branch: m[3] ?? branch,
        time: Date.UTC(2026, 10, 1) + i * 3_600_000,
      },
      outcome: m[4] as HistoryOutcome,
      outage: m[5] === '!',
    };
  });
  // Every history here also goes through the per-test state, which must give it back as
  // it was: the state's verdicts are these verdicts.
  expect(throughState(observations)).toEqual(observations);
  return { observations, current: observations.at(-1)!.run };
}

/**
 * The observations as history entries of test `t` in a leg with twenty other tests (all
 * failing in an outage run, so that the leg's tallies say outage), folded into the state
 * and read back.
 */
function throughState(observations: Observation[]): Observation[] {
  const state = new HistoryState();
  for (const { run, outcome, outage } of observations) {
    const entry = (id: string, outcome: HistoryOutcome): HistoryEntry => ({
      id,
      leg: 'unit',
      commit: run.commit,
      ...(run.branch !== undefined && { branch: run.branch }),
      run: run.run,
      attempt: run.attempt,
      outcome,
      time: new Date(run.time).toISOString(),
    });
    state.add([
      entry('t', outcome),
      ...Array.from({ length: 20 }, (_, n) => entry(`other ${n}`, outage ? 'failed' : 'passed')),
    ]);
  }
  const nobody: RunInfo = { run: '-', attempt: 1, commit: '-', branch: undefined, time: 0 };
  return state
    .view({ since: '2000-01-01T00:00:00.000Z', current: nobody })
    .observationsOf('t', 'unit');
}

function verdict(lines: string[], options: { branch?: string } = {}) {
  const { observations, current } = history(lines);
  return classify(observations, { current, branch: options.branch ?? 'main' });
}

describe('classify: certain evidence', () => {
  it('same run: failed and passed within the run is flaky, even for a test seen for the first time', () => {
    const v = verdict(['c1 flaky']);
    expect(v.status).toBe('flaky');
    expect(v.evidence).toEqual([
      { rule: 'same-run', commit: 'c1', runs: [{ run: 'r1', attempt: 1, outcome: 'flaky' }] },
    ]);
  });

  it('same commit: failed in the first run attempt, passed when rerun, is flaky with both runs as evidence', () => {
    const v = verdict(['c0 passed', 'c1 failed', 'c1:2 passed']);
    expect(v.status).toBe('flaky');
    expect(v.evidence[0]).toEqual({
      rule: 'same-commit',
      commit: 'c1',
      runs: [
        { run: 'r3', attempt: 2, outcome: 'passed' },
        { run: 'r2', attempt: 1, outcome: 'failed' },
      ],
    });
  });

  it('the reverse, passed first and failed on the rerun, is flaky too', () => {
    expect(verdict(['c1 passed', 'c1:2 failed']).status).toBe('flaky');
  });

  it('a known flaky test that passed today is still flaky', () => {
    const v = verdict(['c1 flaky', 'c2 passed', 'c3 passed', 'c4 passed']);
    expect(v.status).toBe('flaky');
    expect(v.evidence.map((e) => e.commit)).toEqual(['c1']);
  });

  it('same-commit evidence counts from any branch', () => {
    const { observations, current } = history(['c1@pr-7 failed', 'c1:2@pr-7 passed', 'c2 passed']);
    expect(classify(observations, { current, branch: 'main' }).status).toBe('flaky');
  });

  it('counts a commit once however often it was retried or rerun', () => {
    const lines = [
      'c1 flaky',
      ...Array.from({ length: 19 }, (_, i) => `c1:${i + 2} flaky`),
      'c2 passed',
    ];
    const v = verdict(lines);
    expect(v.status).toBe('flaky');
    expect(v.sample).toEqual({ commits: 2, failures: 1, runs: 21 });
  });
});

describe('classify: history', () => {
  it('failures alternating with passes across commits make a suspect, with a score and a sample', () => {
    const lines = [
      ...Array.from({ length: 20 }, (_, i) => `c${i} ${i % 7 === 3 ? 'failed' : 'passed'}`),
      'c20 passed',
    ];
    const v = verdict(lines);
    expect(v.status).toBe('suspect');
    expect(v.sample).toEqual({ commits: 21, failures: 3, runs: 21 });
    expect(v.evidence.map((e) => e.commit)).toEqual(['c17', 'c10', 'c3']);
    expect(v.evidence.every((e) => e.rule === 'history')).toBe(true);
    expect(v.rate).toBeCloseTo(3.5 / 22, 5);
    expect(v.score).toBeGreaterThan(0.04);
    expect(v.score).toBeLessThan(v.rate!);
    expect(v.flipRate).toBeCloseTo(6 / 20, 5);
  });

  it('more failures give a higher score for the same sample size', () => {
    const one = verdict([
      ...Array.from({ length: 30 }, (_, i) => `c${i} ${i === 10 ? 'failed' : 'passed'}`),
    ]);
    const three = verdict([
      ...Array.from(
        { length: 30 },
        (_, i) => `c${i} ${[5, 10, 20].includes(i) ? 'failed' : 'passed'}`,
      ),
    ]);
    expect(one.status).toBe('suspect');
    expect(three.score!).toBeGreaterThan(one.score!);
  });

  it('a clean history is stable, with its sample size', () => {
    const v = verdict(['c1 passed', 'c2 passed', 'c3 passed']);
    expect(v.status).toBe('stable');
    expect(v.evidence).toEqual([]);
    expect(v.sample).toEqual({ commits: 3, failures: 0, runs: 3 });
  });

  it('reads the sequence of the given branch only: failures on a feature branch do not make a suspect on main', () => {
    const { observations, current } = history([
      'c1 passed',
      'f1@feature failed',
      'c2 passed',
      'c3 passed',
    ]);
    expect(classify(observations, { current, branch: 'main' }).status).toBe('stable');
    expect(classify(observations, { current, branch: undefined }).status).toBe('suspect');
  });

  it('a test with nothing before this run is new', () => {
    expect(verdict(['c1 passed']).status).toBe('new');
    expect(verdict(['c1 failed']).status).toBe('new');
  });

  it('skipped outcomes are no evidence either way', () => {
    expect(verdict(['c1 passed', 'c2 skipped', 'c3 passed']).sample).toEqual({
      commits: 2,
      failures: 0,
      runs: 3,
    });
  });
});

describe('classify: the broken guard', () => {
  it('every attempt failing on consecutive commits up to now is broken, since the first of them', () => {
    const v = verdict(['c1 passed', 'c2 passed', 'c3 failed', 'c4 failed']);
    expect(v.status).toBe('broken');
    expect(v.brokenSince).toBe('c3');
    expect(v.evidence.map((e) => [e.rule, e.commit])).toEqual([
      ['broken', 'c4'],
      ['broken', 'c3'],
    ]);
  });

  it('is broken, not flaky, even when the test was flaky before it broke', () => {
    const v = verdict(['c1 flaky', 'c2 passed', 'c3 failed', 'c4 error', 'c5 failed']);
    expect(v.status).toBe('broken');
    expect(v.brokenSince).toBe('c3');
  });

  it('one failing commit that fails again when rerun is broken', () => {
    const v = verdict(['c1 passed', 'c2 failed', 'c2:2 failed']);
    expect(v.status).toBe('broken');
    expect(v.brokenSince).toBe('c2');
  });

  it('a first failure on this commit with a clean past is broken until a later commit says otherwise', () => {
    expect(verdict(['c1 passed', 'c2 passed', 'c3 failed']).status).toBe('broken');
    expect(verdict(['c1 passed', 'c2 passed', 'c3 failed', 'c4 passed']).status).toBe('suspect');
  });

  it('the failures of a broken stretch that ended with a fix never count as flakiness', () => {
    const v = verdict([
      'c1 passed',
      'c2 failed',
      'c3 failed',
      'c3:2 failed',
      'c4 failed',
      'c5 passed',
      'c6 passed',
    ]);
    expect(v.status).toBe('stable');
    expect(v.sample).toEqual({ commits: 3, failures: 0, runs: 7 });
  });

  it('a broken stretch that passed and then failed again was flakiness: its failures count', () => {
    const v = verdict([
      'c1 passed',
      'c2 failed',
      'c3 failed',
      'c4 passed',
      'c5 passed',
      'c6 failed',
      'c7 passed',
    ]);
    expect(v.status).toBe('suspect');
    expect(v.sample).toEqual({ commits: 7, failures: 3, runs: 7 });
    expect(v.evidence.map((e) => e.commit)).toEqual(['c6', 'c3', 'c2']);
  });

  it('a new broken stretch after an earlier one that passed in between is still broken now', () => {
    const v = verdict(['c1 failed', 'c2 failed', 'c3 passed', 'c4 failed', 'c5 failed']);
    expect(v.status).toBe('broken');
    expect(v.brokenSince).toBe('c4');
  });

  it('a known suspect failing again on this commit stays suspect (one failure is what it does)', () => {
    expect(verdict(['c1 passed', 'c2 failed', 'c3 passed', 'c4 passed', 'c5 failed']).status).toBe(
      'suspect',
    );
  });
});

describe('classify: the outage filter', () => {
  it('failures in outage runs are no evidence: a stable test stays stable', () => {
    const v = verdict(['c1 passed', 'c2 failed!', 'c3 passed', 'c4 failed!', 'c5 passed']);
    expect(v.status).toBe('stable');
    expect(v.sample).toEqual({ commits: 3, failures: 0, runs: 5 });
  });

  it('a retry that passed during an outage is not certain evidence either', () => {
    expect(verdict(['c1 passed', 'c2 flaky!', 'c3 passed']).status).toBe('stable');
    expect(verdict(['c1 passed', 'c2 failed!', 'c2:2 passed']).status).toBe('stable');
  });
});

describe('cleanStreak', () => {
  it('counts the passing commits in a row at the end, reruns once', () => {
    const { observations } = history([
      'c1 failed',
      'c2 passed',
      'c3 passed',
      'c3:2 passed',
      'c4 passed',
    ]);
    expect(cleanStreak(observations, 'main')).toBe(3);
    expect(cleanStreak(history(['c1 passed', 'c2 flaky']).observations, 'main')).toBe(0);
  });
});
