import { describe, expect, it } from 'vitest';
import type { HistoryEntry, TestRecord, TestgateRecord } from '@testgate/stream';
import { FlakeDetector, HistoryIndex } from '../src/index.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 20);

/** A history where test `t` passed on every commit but the `failing` ones. */
function history(commits: number, failing: number[]): HistoryIndex {
  const index = new HistoryIndex();
  for (let i = 0; i < commits; i++) {
    const entry: HistoryEntry = {
      id: 't',
      leg: 'unit',
      commit: `c${i}`,
      branch: 'main',
      run: `r${i}`,
      attempt: 1,
      outcome: failing.includes(i) ? 'failed' : 'passed',
      time: new Date(now - (commits - i) * 3_600_000).toISOString(),
    };
    index.add(entry);
    index.add({ ...entry, id: 'other', outcome: 'passed' });
  }
  return index;
}

const RUN: TestgateRecord = {
  type: 'run',
  version: 1,
  tool: 'junit-merge',
  commit: 'head',
  branch: 'main',
  runId: 'now',
  startedAt: new Date(now).toISOString(),
};

/** The records of a run through a detector over `index`. */
async function detectRecords(index: HistoryIndex, records: TestgateRecord[]) {
  const detector = new FlakeDetector(async () => index, { windowMs: 30 * DAY, now: new Date(now) });
  const out: TestgateRecord[] = [];
  for await (const r of detector.detect(
    (async function* () {
      yield* records;
    })(),
  ))
    out.push(r);
  return { detector, out };
}

async function detect(index: HistoryIndex) {
  return detectRecords(index, [
    RUN,
    ...['t', 'other'].map((id): TestRecord => ({
      type: 'test',
      id,
      leg: 'unit',
      name: id,
      classname: '',
      attempts: [{ outcome: 'passed' }],
      outcome: 'passed',
    })),
  ]);
}

describe('FlakeDetector proposals', () => {
  it('carries the signatures of the failures it saw in this run, for the entry to be pinned to', async () => {
    const failed = (leg: string, signature: string): TestRecord => ({
      type: 'test',
      id: 't',
      leg,
      name: 't',
      classname: '',
      attempts: [
        { outcome: 'failed', message: 'race', signature, signatureText: 'race' },
        { outcome: 'passed' },
      ],
      outcome: 'flaky',
    });
    const { detector } = await detectRecords(history(5, []), [
      RUN,
      failed('unit', 'sig1:0a1b2c3d4e5f'),
      failed('unit-24', 'sig1:0a1b2c3d4e5f'),
    ]);
    expect(detector.proposals).toEqual([
      expect.objectContaining({
        test: 't',
        legs: ['unit', 'unit-24'],
        status: 'flaky',
        signatures: ['sig1:0a1b2c3d4e5f'],
      }),
    ]);
    const { detector: passing } = await detect(history(30, [5, 17]));
    expect(passing.proposals[0]).not.toHaveProperty('signatures');
  });

  it('does not propose a suspect with a single failure between passes (as likely a break fixed at once)', async () => {
    const { detector, out } = await detect(history(5, [2]));
    expect(out.find((r): r is TestRecord => r.type === 'test' && r.id === 't')!.flake!.status).toBe(
      'suspect',
    );
    expect(detector.proposals).toEqual([]);
  });

  it('proposes a suspect from its second failing commit, with its evidence and no owner', async () => {
    const { detector } = await detect(history(30, [5, 17]));
    expect(detector.proposals).toEqual([
      expect.objectContaining({
        test: 't',
        legs: ['unit'],
        status: 'suspect',
        quarantinedDate: '2026-11-20',
        deadline: '2026-12-04',
        reason: expect.stringMatching(
          /^failed on 2 of 31 commits between passes \(flake rate at least \d/,
        ),
      }),
    ]);
    expect(detector.proposals[0]!.evidence.map((e) => e.commit)).toEqual(['c17', 'c5']);
    expect(detector.counts).toEqual({ stable: 1, flaky: 0, suspect: 1, broken: 0, new: 0 });
    // This run's history lines, for --record.
    expect(detector.entries.map((e) => [e.id, e.commit, e.run, e.outcome])).toEqual([
      ['t', 'head', 'now', 'passed'],
      ['other', 'head', 'now', 'passed'],
    ]);
  });
});

describe('FlakeDetector with sharded legs', () => {
  it('reads a test’s history in every shard of its configuration: a plan that moves it loses nothing', async () => {
    // `t` failed on the last two commits in shard 1; now the plan has it in shard 2.
    const index = new HistoryIndex();
    for (let i = 0; i < 6; i++)
      index.add({
        id: 't',
        leg: 'unit-1',
        commit: `c${i}`,
        branch: 'main',
        run: `r${i}`,
        attempt: 1,
        outcome: i >= 4 ? 'failed' : 'passed',
        time: new Date(now - (6 - i) * 3_600_000).toISOString(),
      });
    const leg = (name: string, shard: number): TestgateRecord => ({
      type: 'leg',
      name,
      status: 'reported',
      matrix: { kind: 'unit', shard },
      files: [],
      counts: { tests: 1, passed: 0, failed: 1, error: 0, skipped: 0, flaky: 0 },
    });
    const failed: TestRecord = {
      type: 'test',
      id: 't',
      leg: 'unit-2',
      name: 't',
      classname: '',
      attempts: [{ outcome: 'failed' }],
      outcome: 'failed',
    };
    const { out } = await detectRecords(index, [RUN, leg('unit-1', 1), leg('unit-2', 2), failed]);
    const test = out.find((r): r is TestRecord => r.type === 'test')!;
    expect(test.flake?.status).toBe('broken');
  });
});

describe('FlakeDetector co-failing flaky tests', () => {
  it('groups the flaky tests that fail in the same runs more often than chance, and only those', async () => {
    // x and y fail together in 4 of 20 runs; z fails twice, in other runs.
    const together = [2, 7, 11, 16];
    const index = new HistoryIndex();
    for (let i = 0; i < 20; i++)
      for (const id of ['x', 'y', 'z', 'other'])
        index.add({
          id,
          leg: 'unit',
          commit: `c${i}`,
          branch: 'main',
          run: `r${i}`,
          attempt: 1,
          outcome:
            (id !== 'z' && id !== 'other' && together.includes(i)) ||
            (id === 'z' && (i === 4 || i === 13))
              ? 'failed'
              : 'passed',
          time: new Date(now - (20 - i) * 3_600_000).toISOString(),
        });
    const retried = (id: string): TestRecord => ({
      type: 'test',
      id,
      leg: 'unit',
      name: id,
      classname: '',
      attempts: [{ outcome: 'failed' }, { outcome: 'passed' }],
      outcome: 'flaky',
    });
    const { out } = await detectRecords(index, [RUN, retried('x'), retried('y'), retried('z')]);
    const groups = out.filter((r) => r.type === 'diagnostic' && r.code === 'flake-co-failing');
    expect(groups).toEqual([
      {
        type: 'diagnostic',
        severity: 'info',
        code: 'flake-co-failing',
        tool: 'flake-detect',
        tests: ['x', 'y'],
        message: '2 flaky tests fail together, in 5 runs of the window (p < 0.001 by chance): x, y',
        hint: 'they likely share one cause (a fixture, a service, the order they run in): give them one owner',
      },
    ]);
  });
});
