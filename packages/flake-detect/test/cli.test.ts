import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticRecord, TestRecord } from '@testgate/stream';
import { throwawayPostgres } from './_postgres.js';
import {
  type RunSpec,
  hoursAgo,
  runFlakeDetect,
  spawnFlakeDetect,
  statuses,
  stream,
} from './_streams.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flake-detect-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The same scenarios against every store: a folder, one JSON Lines file, and a throwaway
// Postgres (a fresh database per test).
const postgres = throwawayPostgres('history');

const stores = {
  folder: async () => join(dir, 'history'),
  'single-file': async () => join(dir, 'ci/history.jsonl'),
  postgres: () => postgres.database(),
};

const run = (spec: Omit<RunSpec, 'startedAt'> & { hoursAgo: number }) =>
  stream({ ...spec, startedAt: hoursAgo(spec.hoursAgo) });

describe.each(Object.entries(stores))('flake-detect with a %s history', (_, location) => {
  let history: string;
  beforeEach(async () => {
    history = await location();
  });
  const detect = (input: string, ...args: string[]) =>
    runFlakeDetect(['--history', history, ...args], input, dir);
  const spawnDetect = (input: string, ...args: string[]) =>
    spawnFlakeDetect(['--history', history, ...args], input, dir);

  it('a rerun of the same commit that passes where the first attempt failed is flaky (rule 2), recorded and read back', async () => {
    const first = await detect(
      run({ commit: 'abc', run: '100', hoursAgo: 2, legs: { unit: { a: 'failed', b: 'passed' } } }),
      '--record',
    );
    expect(first.code).toBe(0);
    expect(statuses(first)).toEqual({ a: 'new', b: 'new' });
    const rerun = await detect(
      run({
        commit: 'abc',
        run: '100',
        attempt: 2,
        hoursAgo: 1,
        legs: { unit: { a: 'passed', b: 'passed' } },
      }),
      '--record',
    );
    expect(rerun.code).toBe(0);
    expect(statuses(rerun)).toEqual({ a: 'flaky', b: 'stable' });
    const a = rerun.records.find((r): r is TestRecord => r.type === 'test' && r.id === 'a')!;
    expect(a.flake!.evidence).toEqual([
      {
        rule: 'same-commit',
        commit: 'abc',
        runs: [
          { run: '100', attempt: 2, outcome: 'passed' },
          { run: '100', attempt: 1, outcome: 'failed' },
        ],
      },
    ]);
    expect(rerun.stderr).toMatch(
      /2 tests \(2 results in 1 leg\(s\)\), one label per test: 1 flaky, 0 suspect, 0 broken, 0 new, 1 stable \(history: 1 runs in 30d/,
    );
    // The stream stays a valid stream: one end record counting what was written.
    expect(rerun.records.at(-1)).toEqual({
      type: 'end',
      tool: 'flake-detect',
      records: rerun.records.length - 1,
    });
  });

  it('refuses to record a run that starts in the future, and the history it would have wiped stays', async () => {
    await detect(
      run({ commit: 'c1', run: '7', hoursAgo: 3, legs: { unit: { a: 'failed' } } }),
      '--record',
    );
    const future = await detect(
      stream({
        commit: 'c2',
        run: '8',
        startedAt: '2099-01-01T00:00:00.000Z',
        legs: { unit: { a: 'passed' } },
      }),
      '--record',
    );
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(
      /^flake-detect: .*--record refuses a run that starts in the future: startedAt 2099-01-01T00:00:00.000Z/,
    );
    const kept = await runFlakeDetect(['history', '--export', '--history', history], '', dir);
    expect(
      kept.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { commit: string }).commit),
    ).toEqual(['c1']);
  });

  it('recording the same run attempt twice counts it once', async () => {
    const input = run({ commit: 'c1', run: '7', hoursAgo: 3, legs: { unit: { a: 'failed' } } });
    await detect(input, '--record');
    await detect(input, '--record');
    const next = await detect(
      run({ commit: 'c2', run: '8', hoursAgo: 1, legs: { unit: { a: 'passed' } } }),
    );
    const a = next.records.find((r): r is TestRecord => r.type === 'test')!;
    expect(a.flake!.sample!.runs).toBe(2);
  });

  it('a test failing on every attempt from a commit on is broken, never proposed; a flaky one is proposed without an owner', async () => {
    const tests = (i: number) => ({
      broken: i >= 3 ? ('failed' as const) : ('passed' as const),
      retried: i === 2 ? ('flaky' as const) : ('passed' as const),
      fine: 'passed' as const,
    });
    for (let i = 0; i < 5; i++)
      await detect(
        run({
          commit: `c${i}`,
          branch: 'main',
          run: `${i}`,
          hoursAgo: 10 - i,
          legs: { unit: tests(i) },
        }),
        '--record',
      );
    const result = await detect(
      run({ commit: 'c5', branch: 'main', run: '5', hoursAgo: 1, legs: { unit: tests(5) } }),
      '--propose',
      'proposals.json',
    );
    expect(statuses(result)).toEqual({ broken: 'broken', retried: 'flaky', fine: 'stable' });
    const broken = result.records.find(
      (r): r is TestRecord => r.type === 'test' && r.id === 'broken',
    )!;
    expect(broken.flake!.brokenSince).toBe('c3');
    const proposals = JSON.parse(readFileSync(join(dir, 'proposals.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      test: 'retried',
      legs: ['unit'],
      status: 'flaky',
      reason: 'failed and passed in one run on commit c2 (run 2 attempt 1)',
      quarantinedDate: hoursAgo(1).slice(0, 10),
    });
    expect(proposals[0]).not.toHaveProperty('owner');
    expect(proposals[0]!.deadline).toBe(
      new Date(Date.parse(`${hoursAgo(1).slice(0, 10)}T00:00:00Z`) + 14 * 86_400_000)
        .toISOString()
        .slice(0, 10),
    );
  });

  it('a leg failing en masse is an outage: a warning, and its failures are no evidence for anyone', async () => {
    const healthy = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`t${i}`, 'passed' as const]),
    );
    for (let i = 0; i < 6; i++)
      await detect(
        run({ commit: `c${i}`, run: `${i}`, hoursAgo: 20 - i, legs: { api: healthy } }),
        '--record',
      );
    const outage = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `t${i}`,
        i < 8 ? ('flaky' as const) : ('passed' as const),
      ]),
    );
    const result = await detect(
      run({ commit: 'c6', run: '6', hoursAgo: 1, legs: { api: outage } }),
      '--record',
    );
    const warning = result.records.find((r): r is DiagnosticRecord => r.type === 'diagnostic')!;
    expect(warning).toMatchObject({ severity: 'warning', code: 'flake-outage', leg: 'api' });
    expect(warning.message).toMatch(/^8 of 20 tests failed in leg api \(40%; usually 0%\)/);
    expect(new Set(Object.values(statuses(result)))).toEqual(new Set(['stable']));
    const t0 = result.records.find((r): r is TestRecord => r.type === 'test' && r.id === 't0')!;
    expect(t0.flake!.outage).toBe(true);
    // And it stays no evidence once it is history.
    const after = await detect(
      run({ commit: 'c7', run: '7', hoursAgo: 0.5, legs: { api: healthy } }),
    );
    expect(new Set(Object.values(statuses(after)))).toEqual(new Set(['stable']));
  });

  it('a quarantined test that has passed enough commits in a row is a release candidate', async () => {
    writeFileSync(
      join(dir, 'quarantine.json'),
      JSON.stringify({
        quarantined: [
          {
            test: 'healed',
            reason: 'races',
            owner: 'team',
            quarantinedDate: '2026-01-01',
            deadline: '2099-01-01',
          },
          {
            test: 'still',
            reason: 'races',
            owner: 'team',
            quarantinedDate: '2026-01-01',
            deadline: '2099-01-01',
          },
        ],
      }),
    );
    // --target-rate 0.2 needs 14 clean commits at 95% confidence.
    for (let i = 0; i < 14; i++)
      await detect(
        run({
          commit: `c${i}`,
          run: `${i}`,
          hoursAgo: 30 - i,
          legs: {
            unit: { healed: i === 0 ? 'flaky' : 'passed', still: i === 10 ? 'flaky' : 'passed' },
          },
        }),
        '--record',
      );
    const result = await detect(
      run({
        commit: 'c14',
        run: '14',
        hoursAgo: 1,
        legs: { unit: { healed: 'passed', still: 'passed' } },
      }),
      '--quarantine',
      'quarantine.json',
      '--target-rate',
      '0.2',
      '--propose',
      'p.json',
    );
    const candidates = result.records.filter(
      (r): r is DiagnosticRecord =>
        r.type === 'diagnostic' && r.code === 'quarantine-release-candidate',
    );
    expect(candidates.map((c) => c.test)).toEqual(['healed']);
    expect(candidates[0]!.message).toBe(
      'healed is quarantined but passed its last 14 commits: a flake rate under 20% at 95% confidence needs 14',
    );
    // Quarantined tests are not proposed again.
    expect(JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'))).toEqual([]);
  });

  it('history --import adds what --export wrote, once, only in the window, and nothing from a damaged file', async () => {
    const source = join(dir, 'source-history');
    const from = (input: string) =>
      runFlakeDetect(['--history', source, '--record', '--window', '90d'], input, dir);
    await from(
      run({ commit: 'old', run: '1', hoursAgo: 24 * 40, legs: { unit: { a: 'passed' } } }),
    );
    await from(
      run({ commit: 'c2', run: '2', hoursAgo: 2, legs: { unit: { a: 'failed', b: 'passed' } } }),
    );
    await from(
      run({ commit: 'c3', run: '3', hoursAgo: 1, legs: { unit: { a: 'passed', b: 'passed' } } }),
    );
    const exported = await runFlakeDetect(
      ['history', '--export', '--history', source, '--window', '90d', '-o', 'all.jsonl'],
      '',
      dir,
    );
    expect(exported.code).toBe(0);
    const importAll = () =>
      runFlakeDetect(['history', '--import', 'all.jsonl', '--history', history], '', dir);
    const first = await importAll();
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /imported 4 entries of 2 run attempt\(s\) from all\.jsonl into .*; left out 0 of run attempts the history holds already, 1 before /,
    );
    const again = await importAll();
    expect(again.stderr).toMatch(
      /imported 0 entries of 0 run attempt\(s\).*left out 4 of run attempts/,
    );
    const window = await runFlakeDetect(['history', '--export', '--history', history], '', dir);
    const inWindow = readFileSync(join(dir, 'all.jsonl'), 'utf8').split('\n').slice(1).join('\n');
    expect(window.stdout).toBe(inWindow);
    // The imported history is read as the recorded one: a is flaky on it.
    const labelled = await detect(
      run({ commit: 'c4', run: '4', hoursAgo: 0.5, legs: { unit: { a: 'passed' } } }),
    );
    expect(labelled.stderr).toMatch(/history: 2 runs in 30d/);

    writeFileSync(join(dir, 'bad.jsonl'), `${window.stdout.split('\n')[0]}\n{"id": "x"}\n`);
    const bad = await runFlakeDetect(
      ['history', '--import', 'bad.jsonl', '--history', history],
      '',
      dir,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^flake-detect: bad\.jsonl:2: history entry .*\nhint: fix or remove that line, and import again: nothing was imported\n$/,
    );
  });

  it('history --import hands each run attempt to the store whole: one of 4,000 entries across the import batch, one interleaved with another', async () => {
    const times = [hoursAgo(3), hoursAgo(2), hoursAgo(1)];
    const entry = (run: number, test: number, outcome = 'passed') => ({
      id: `test ${test}`,
      leg: 'unit',
      commit: `c${run}`,
      branch: 'main',
      run: String(run),
      attempt: 1,
      outcome,
      time: times[run - 1]!,
    });
    const tests = Array.from({ length: 4000 }, (_, t) => t);
    const runs = [1, 2, 3].map((r) =>
      tests.map((t) => entry(r, t, t === 3999 && r === 3 ? 'failed' : 'passed')),
    );
    // Runs 2 and 3 interleaved, and the import's batch of 10,000 ends inside run 3 (no
    // durations: the state keeps a leg's, and --export writes none).
    const lines = [...runs[0]!, ...runs[1]!.flatMap((e, i) => [e, runs[2]![i]!])];
    writeFileSync(join(dir, 'old.jsonl'), `${lines.map((e) => JSON.stringify(e)).join('\n')}\n`);
    const imported = await runFlakeDetect(
      ['history', '--import', 'old.jsonl', '--history', history],
      '',
      dir,
    );
    expect(imported.stderr).toMatch(/imported 12000 entries of 3 run attempt\(s\)/);
    const exported = await runFlakeDetect(['history', '--export', '--history', history], '', dir);
    const key = (e: { run: string; id: string }) => `${e.run} ${e.id}`;
    const sorted = (list: Array<{ run: string; id: string }>) =>
      list.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(
      sorted(
        exported.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ),
    ).toEqual(sorted(lines));
    // The test that failed on the last run failed there: broken since then, not since now.
    const labelled = await detect(
      run({ commit: 'c4', run: '4', hoursAgo: 0.5, legs: { unit: { 'test 3999': 'failed' } } }),
    );
    expect(labelled.stderr).toMatch(/history: 3 runs in 30d/);
    const broken = labelled.records.find((r): r is TestRecord => r.type === 'test')!;
    expect(broken.flake).toMatchObject({ status: 'broken', brokenSince: 'c3' });
  });

  it('history --export writes the window in time order and --prune drops what is older', async () => {
    await detect(
      run({ commit: 'old', run: '1', hoursAgo: 24 * 40, legs: { unit: { a: 'passed' } } }),
      '--record',
      '--window',
      '90d',
    );
    await detect(
      run({ commit: 'new', run: '2', hoursAgo: 1, legs: { unit: { a: 'failed' } } }),
      '--record',
      '--window',
      '90d',
    );
    const all = await runFlakeDetect(
      ['history', '--export', '--history', history, '--window', '90d'],
      '',
      dir,
    );
    expect(all.code).toBe(0);
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { commit: string }).commit),
    ).toEqual(['old', 'new']);
    const pruned = await runFlakeDetect(
      ['history', '--prune', '--history', history, '--window', '30d'],
      '',
      dir,
    );
    expect(pruned.code).toBe(0);
    expect(pruned.stderr).toMatch(/dropped 1 entries before/);
    const left = await runFlakeDetect(
      ['history', '--export', '--history', history, '--window', '90d', '-o', 'h.jsonl'],
      '',
      dir,
    );
    expect(left.code).toBe(0);
    const lines = readFileSync(join(dir, 'h.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as object)).toEqual([
      expect.objectContaining({
        id: 'a',
        leg: 'unit',
        commit: 'new',
        run: '2',
        attempt: 1,
        outcome: 'failed',
      }),
    ]);
  });

  it('jobs recording at the same time lose nothing', async () => {
    const jobs = Array.from({ length: 50 }, (_, i) =>
      spawnDetect(
        run({
          commit: `c${i}`,
          run: `${i}`,
          hoursAgo: 1 + i / 200,
          // Every job records into a leg all of them share, and one of five others.
          legs: { [`leg${i % 5}`]: { a: 'passed' }, shared: { b: 'failed' } },
        }),
        '--record',
      ),
    );
    const results = await Promise.all(jobs);
    expect(
      results.map((r) => r.code),
      results.map((r) => r.stderr).join(''),
    ).toEqual(results.map(() => 0));
    const exported = await runFlakeDetect(['history', '--export', '--history', history], '', dir);
    const keys = exported.stdout
      .trim()
      .split('\n')
      .map((l) => {
        const e = JSON.parse(l) as { run: string; id: string };
        return `${e.run}/${e.id}`;
      });
    expect(keys).toHaveLength(100);
    expect(new Set(keys).size).toBe(100);
  }, 120_000);
});

describe('flake-detect with a Postgres history made before failures had signatures', () => {
  it('adds the column on first use and keeps the rows it holds', async () => {
    const url = await stores.postgres();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // The table as the version before signatures made it.
    await client.query(`CREATE TABLE testgate_history (
      run text NOT NULL, attempt integer NOT NULL CHECK (attempt >= 1), leg text NOT NULL,
      id text NOT NULL, commit text NOT NULL, branch text,
      outcome text NOT NULL CHECK (outcome IN ('passed', 'failed', 'error', 'skipped', 'flaky')),
      duration double precision, time timestamptz NOT NULL, PRIMARY KEY (run, attempt, leg, id));
      CREATE INDEX testgate_history_time ON testgate_history (time)`);
    await client.query(
      `INSERT INTO testgate_history VALUES ('1', 1, 'unit', 'a', 'c1', 'main', 'failed', 0.1, $1)`,
      [hoursAgo(3)],
    );
    await client.end();
    const signed = run({ commit: 'c2', run: '2', hoursAgo: 1, legs: { unit: { a: 'failed' } } })
      .split('\n')
      .map((line) =>
        line.includes('"type":"test"')
          ? JSON.stringify({
              ...JSON.parse(line),
              attempts: [{ outcome: 'failed', signature: 'sig1:0a1b2c3d4e5f', signatureText: 'x' }],
            })
          : line,
      )
      .join('\n');
    const recorded = await runFlakeDetect(['--history', url, '--record'], signed, dir);
    expect(recorded.code, recorded.stderr).toBe(0);
    const exported = await runFlakeDetect(['history', '--export', '--history', url], '', dir);
    expect(
      exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { commit: string; signatures?: string[] })
        .map((e) => [e.commit, e.signatures]),
    ).toEqual([
      ['c1', undefined],
      ['c2', ['sig1:0a1b2c3d4e5f']],
    ]);
  });
});

describe('flake-detect: bad input', () => {
  it('says in one line that a Postgres user without CREATE cannot keep the history, and cuts the stream', async () => {
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE no_create');
    await admin.query("CREATE ROLE reader LOGIN PASSWORD 'r3ader'");
    await admin.end();
    const url = postgres
      .url()
      .replace(/\/\/[^@]*@/, '//reader:r3ader@')
      .replace(/\/postgres$/, '/no_create');
    const input = run({ commit: 'c', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } });
    const result = await runFlakeDetect(['--history', url, '--record'], input, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^flake-detect: postgres:\/\/reader:\*\*\*@.*\/no_create: the history database refused: permission denied for schema public \(SQLSTATE 42501\)\nhint: grant the user CREATE/,
    );
    expect(result.stderr).not.toContain('r3ader');
  });

  it('never prints a history password, whole or in part, whatever the URL looks like', async () => {
    const input = run({ commit: 'c', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } });
    for (const [url, secrets] of [
      ['postgres://u:pa/ss@127.0.0.1:1/db', ['pa/ss', 'ss@']],
      ['postgres://u:p@ss@127.0.0.1:1/db?password=zz', ['p@ss', 'zz']],
    ] as const) {
      const result = await runFlakeDetect(['--history', url], input, dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^flake-detect: postgres:\/\/(u:)?\*\*\*@127\.0\.0\.1:1\/db/);
      for (const secret of secrets) expect(result.stderr).not.toContain(secret);
    }
  });

  it('a damaged history line is named with file:line and exits 2', async () => {
    const history = join(dir, 'history');
    await runFlakeDetect(
      ['--history', history, '--record'],
      run({ commit: 'c', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed', b: 'passed' } } }),
      dir,
    );
    const { readdirSync } = await import('node:fs');
    const segment = readdirSync(history).find((f) => f.endsWith('.jsonl'))!;
    const text = readFileSync(join(history, segment), 'utf8').split('\n');
    text[1] = text[1]!.replace('"outcome":"passed"', '"outcome":"green"');
    writeFileSync(join(history, segment), text.join('\n'));
    const result = await runFlakeDetect(
      ['--history', history],
      run({ commit: 'd', run: '2', hoursAgo: 0.5, legs: { unit: { a: 'passed' } } }),
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `flake-detect: ${join(history, segment)}:2: history entry outcome must be equal to one of the allowed values`,
    );
    expect(result.stderr).toMatch(/hint: the history is damaged/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--record refuses a stream without a commit', async () => {
    const result = await runFlakeDetect(
      ['--history', join(dir, 'h'), '--record'],
      run({ run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } }),
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--record needs the run's commit/);
  });

  it('a bad --window is a usage error', async () => {
    const result = await runFlakeDetect(['--window', '30 days'], '', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--window must be a length of time like 30d, 12h, 8w or 90m, got: "30 days"/,
    );
  });

  it('an unreachable Postgres is a clear error, not a stack trace, and the stream is cut so the gate fails closed', async () => {
    const result = await runFlakeDetect(
      ['--history', 'postgres://nobody@127.0.0.1:1/none'],
      run({ commit: 'c', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } }),
      dir,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^flake-detect: postgres:\/\/nobody@127\.0\.0\.1:1\/none: cannot connect to the history database/,
    );
    expect(result.records.some((r) => r.type === 'end')).toBe(false);
  });
});

describe('the run kept aside while flake-detect reads it whole', () => {
  it('is a temporary file, removed when the run is done, refused, or never opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flake-spill-'));
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    try {
      const stream = run({ commit: 'c1', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } });
      const done = await spawnFlakeDetect(['--history', 'h', '--record'], stream, dir, {
        TMPDIR: temp,
      });
      expect(done.code, done.stderr).toBe(0);
      expect(done.records.filter((r) => r.type === 'test')).toHaveLength(1);
      expect(readdirSync(temp)).toEqual([]);
      // The same run id on another commit is refused after the run was read: still removed.
      const again = run({ commit: 'c2', run: '1', hoursAgo: 1, legs: { unit: { a: 'passed' } } });
      const refused = await spawnFlakeDetect(['--history', 'h'], again, dir, { TMPDIR: temp });
      expect(refused.code).toBe(2);
      expect(readdirSync(temp)).toEqual([]);
      // A stream that cannot be opened leaves nothing behind either.
      const missing = await spawnFlakeDetect(['nowhere.jsonl', '--history', 'h'], '', dir, {
        TMPDIR: temp,
      });
      expect(missing.code).toBe(2);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
