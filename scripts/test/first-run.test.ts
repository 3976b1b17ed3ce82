import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// A project's first runs through the whole chain of built tools, as a new user runs it:
// a suite in four legs (two Node lines, and the newer one also split in two shards), run
// commit after commit with a folder history.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (tool: string) => `node ${join(root, 'packages', tool, 'bin.js')}`;
const LEGS = JSON.stringify([
  { name: 'node20', node: 20 },
  { name: 'node22', node: 22 },
  { name: 'node22-shard1', node: 22, shard: 1 },
  { name: 'node22-shard2', node: 22, shard: 2 },
]);

// What these tests read of the stream and the verdict document.
interface Flake {
  status: string;
  evidence: Array<{ rule: string; commit: string; runs: unknown[] }>;
  legs?: Array<{ leg: string; status: string }>;
  recent?: Array<{ commit: string; outcome: string }>;
  cause?: { label: string };
}
interface TestRecord {
  type: string;
  name: string;
  leg: string;
  flake?: Flake;
}
interface VerdictDocument {
  reasons: Array<{ code: string; leg?: string; message: string }>;
  blocking: Array<{ id: string; leg: string; flake?: Flake }>;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'testgate-first-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Outcome = 'P' | 'F';

/**
 * One commit's reports: `coin` in node20, node22 and the first shard with the outcomes
 * given, `steady` passing everywhere, `other` only in the second shard.
 */
function reports(day: number, coin: [Outcome, Outcome, Outcome]): void {
  rmSync(join(dir, 'artifacts'), { recursive: true, force: true });
  const testcase = (name: string, outcome: Outcome) =>
    outcome === 'P'
      ? `<testcase classname="src/a.test.ts" name="${name}" time="0.01"/>`
      : `<testcase classname="src/a.test.ts" name="${name}" time="0.01"><failure message="expected heads">at a.test.ts:9</failure></testcase>`;
  const legs: Array<[string, string]> = [
    ['node20', testcase('coin', coin[0]) + testcase('steady', 'P')],
    ['node22', testcase('coin', coin[1]) + testcase('steady', 'P')],
    ['node22-shard1', testcase('coin', coin[2]) + testcase('steady', 'P')],
    ['node22-shard2', testcase('other', 'P')],
  ];
  for (const [leg, cases] of legs) {
    mkdirSync(join(dir, 'artifacts', leg), { recursive: true });
    writeFileSync(
      join(dir, 'artifacts', leg, 'junit.xml'),
      `<testsuite name="src/a.test.ts" timestamp="2026-11-${String(day).padStart(2, '0')}T10:00:00">${cases}</testsuite>`,
    );
  }
}

/** The chain on commit `c<day>`, with run id `run-<day>` unless another is given. */
function chain(day: number, options: { runId?: string; expect?: string; gate?: string } = {}) {
  return sh(
    `${bin('junit-merge')} 'artifacts/**/*.xml' -q --expect '${options.expect ?? LEGS}' --commit c${day} --branch main --run-id ${options.runId ?? `run-${day}`}` +
      ` | ${bin('flake-detect')} --history .testgate/history --record` +
      ` | ${bin('quarantine-filter')} --file quarantine.json --today 2026-11-${String(day).padStart(2, '0')}` +
      ` | tee labelled.jsonl | ${bin('gate-verdict')} --json verdict.json --summary summary.md ${options.gate ?? ''}`,
  );
}

function coinRecords(): TestRecord[] {
  return readFileSync(join(dir, 'labelled.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TestRecord)
    .filter((r) => r.type === 'test' && r.name === 'coin');
}

const historyLines = () =>
  readdirSync(join(dir, '.testgate/history'))
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => readFileSync(join(dir, '.testgate/history', f), 'utf8'))
    .join('')
    .split('\n')
    .filter(Boolean);

describe('the README pipe on a first run', () => {
  it('runs without a ledger: an absent ledger is an empty one, said once', () => {
    reports(1, ['P', 'P', 'P']);
    const r = chain(1);
    expect(r.code, r.stderr).toBe(0);
    const notice =
      'quarantine-filter: no ledger at quarantine.json: nothing is quarantined (an empty ledger is { "quarantined": [] })\n';
    expect(r.stderr.split(notice)).toHaveLength(2);
  });

  it('says in one line that a stage after a failed one received a broken stream', () => {
    reports(1, ['P', 'P', 'P']);
    const r = sh(
      `${bin('junit-merge')} 'artifacts/**/*.xml' -q | ${bin('flake-detect')} --history .testgate/history --window nonsense | ${bin('quarantine-filter')} | ${bin('gate-verdict')}`,
    );
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    // flake-detect's usage error, then one line from each later stage about the stream.
    expect(lines.filter((l) => l.startsWith('flake-detect:'))).toEqual([
      'flake-detect: --window must be a length of time like 30d, 12h, 8w or 90m, got: "nonsense"',
    ]);
    expect(lines.filter((l) => / -: /.test(l))).toEqual([
      'quarantine-filter: -: empty input: no records (the stage before this one stopped: its own error says why)',
      'gate-verdict: RED, -: empty input: no records (the stage before this one stopped: its own error says why)',
    ]);
    expect(lines).toHaveLength(4);
  });
});

describe('a run id used twice', () => {
  it('is refused when the history holds it with another commit, and the history stays as it was', () => {
    reports(1, ['P', 'P', 'P']);
    expect(chain(1, { runId: '1' }).code).toBe(0);
    const before = historyLines();
    reports(2, ['F', 'F', 'F']);
    const r = chain(2, { runId: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'flake-detect: run id "1" is already in the history (.testgate/history) with commit c1, and this run tests c2\nhint: give every run its own id',
    );
    expect(historyLines()).toEqual(before);
    // A rerun of the same commit under the same id is a rerun, as before.
    reports(1, ['P', 'P', 'P']);
    expect(chain(1, { runId: '1' }).code).toBe(0);
  });
});

describe('a coin-toss test over five commits of four legs', () => {
  // What one such project saw: on its own, node20 reads broken then stable, node22 alone
  // never both failed and passed on one commit; node22 and its shard disagree on c1, c2, c4.
  const COMMITS: Array<[Outcome, Outcome, Outcome]> = [
    ['F', 'P', 'F'],
    ['F', 'F', 'P'],
    ['F', 'F', 'F'],
    ['P', 'P', 'F'],
    ['P', 'F', 'P'],
  ];

  it('is flaky on every leg, from same-commit evidence of the legs that differ only by shard', () => {
    COMMITS.forEach((coin, i) => {
      reports(i + 1, coin);
      chain(i + 1);
    });
    const records = coinRecords();
    expect(records.map((r) => [r.leg, r.flake?.status])).toEqual([
      ['node20', 'flaky'],
      ['node22', 'flaky'],
      ['node22-shard1', 'flaky'],
    ]);
    // One label, the same on every leg, with the leg that reads otherwise beneath; each
    // leg's own last runs for the strip, and the cause of a failure where it failed.
    const label = ({ recent, cause: _, ...rest }: Flake) => (recent ? JSON.stringify(rest) : '');
    expect(new Set(records.map((r) => label(r.flake!))).size).toBe(1);
    expect(records.map((r) => r.flake!.cause?.label)).toEqual([
      undefined,
      'known-flaky',
      undefined,
    ]);
    expect(records.map((r) => r.flake!.recent!.map((x) => `${x.commit} ${x.outcome}`))).toEqual([
      ['c1 failed', 'c2 failed', 'c3 failed', 'c4 passed', 'c5 passed'],
      ['c1 passed', 'c2 failed', 'c3 failed', 'c4 passed', 'c5 failed'],
      ['c1 failed', 'c2 passed', 'c3 failed', 'c4 failed', 'c5 passed'],
    ]);
    const flake = records[0]!.flake!;
    expect(flake.legs).toEqual([
      { leg: 'node20', status: 'stable' },
      { leg: 'node22', status: 'flaky' },
      { leg: 'node22-shard1', status: 'flaky' },
    ]);
    expect(flake.evidence[0]).toEqual({
      rule: 'same-commit',
      commit: 'c5',
      runs: [
        { run: 'run-5', attempt: 1, leg: 'node22-shard1', outcome: 'passed' },
        { run: 'run-5', attempt: 1, leg: 'node22', outcome: 'failed' },
      ],
    });
    // The report says it once, with the detail.
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictDocument;
    expect(verdict.blocking.map((t) => [t.id, t.leg, t.flake?.status])).toEqual([
      ['src/a.test.ts::coin', 'node22', 'flaky'],
    ]);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      '_known flaky, failing its usual way (failed and passed in legs that differ only by shard of c5) (node20: stable)_ 🟩🟥🟥🟩🟥',
    );
  });

  it('counts labels per test in flake-detect and outcomes per leg in gate-verdict, and says so', () => {
    COMMITS.slice(0, 4).forEach((coin, i) => {
      reports(i + 1, coin);
      chain(i + 1);
    });
    reports(5, COMMITS[4]!);
    const r = chain(5);
    expect(r.stderr).toContain(
      'flake-detect: 3 tests (7 results in 4 leg(s)), one label per test: 1 flaky, 0 suspect, 0 broken, 0 new, 2 stable',
    );
    expect(r.stderr).toContain(
      'gate-verdict: RED  7 results (tests × legs) in 4 leg(s): 6 passed, 1 failed (0 of them excused), 0 flaky (passed on a retry), 0 skipped',
    );
  });

  it('is no longer read as fixed when it fails again after its broken stretch', () => {
    // node20 alone: fail, fail, pass, pass, fail (no other leg of its runtime to compare).
    const node20: Outcome[] = ['F', 'F', 'P', 'P', 'F'];
    node20.forEach((outcome, i) => {
      reports(i + 1, [outcome, 'P', 'P']);
      chain(i + 1);
    });
    const [onNode20] = coinRecords();
    expect(onNode20!.flake!.legs).toContainEqual({ leg: 'node20', status: 'suspect' });
  });
});

describe('the report of a run', () => {
  it('draws no red cross for a quarantined failure under a green gate', () => {
    writeFileSync(
      join(dir, 'quarantine.json'),
      JSON.stringify({
        quarantined: [
          {
            test: 'src/a.test.ts::coin',
            reason: 'a coin toss',
            owner: 'team-a',
            quarantinedDate: '2026-11-01',
            deadline: '2026-11-14',
          },
        ],
      }),
    );
    reports(1, ['F', 'P', 'P']);
    const r = chain(1);
    expect(r.code, r.stderr).toBe(0);
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^## ✅ Test gate: green/);
    expect(summary).toContain('| node20 | ✅ 1/2 (1 quarantined) |');
    expect(summary).not.toContain('❌');
  });

  it('gives a missing leg one reason, and does not record the run', () => {
    reports(1, ['P', 'P', 'P']);
    rmSync(join(dir, 'artifacts/node22-shard2'), { recursive: true });
    const r = chain(1);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictDocument;
    expect(verdict.reasons).toEqual([
      {
        code: 'leg-missing',
        leg: 'node22-shard2',
        message: 'expected leg "node22-shard2" has no report',
      },
    ]);
    expect(r.stderr).toContain(
      'flake-detect: this run is not recorded: "node22-shard2" did not report, and the history would take the run for complete (a rerun with every leg is recorded)',
    );
    expect(readdirSync(dir)).not.toContain('.testgate');
    // The rerun with every leg is recorded.
    reports(1, ['P', 'P', 'P']);
    expect(chain(1).code).toBe(0);
    expect(historyLines()).toHaveLength(7);
  });
});
