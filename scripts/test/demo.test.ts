import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VerdictDocument } from '../../packages/stream/src/index.js';
import { root } from './_workflow.js';

// `npm run demo` end to end, on Node 24 only (the test's budget): the reference app's
// legs, its integration suite against throwaway Postgres and Redis, the e2e smoke against
// a preview, the quarantine lane and the testgate chain.
const out = mkdtempSync(join(tmpdir(), 'testgate-demo-'));
// Throwaway Postgres runs as the postgres user when the suite runs as root.
chmodSync(out, 0o755);
afterAll(() => rmSync(out, { recursive: true, force: true }));
const history = join(out, 'history');
// The demo's own temp folder: what its servers keep there must be gone when it ends.
const demoTmp = join(out, 'tmp');
mkdirSync(demoTmp, { mode: 0o755 });
const env = { ...process.env, NO_COLOR: '1', TMPDIR: demoTmp };
/** The signature the reference app's quarantine entry for its race is pinned to. */
const RACE_SIGNATURE = (
  JSON.parse(readFileSync(join(root, 'examples/submissions/quarantine.json'), 'utf8')) as {
    quarantined: Array<{ test: string; signature?: string }>;
  }
).quarantined.find((e) => e.test.includes('right after it is accepted'))!.signature;

function demo(name: string, ...args: string[]) {
  const reports = join(out, name);
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'scripts/demo.mjs'),
      '--node',
      '24',
      '--out',
      reports,
      '--history',
      history,
      ...args,
    ],
    { encoding: 'utf8', env },
  );
  const verdict = JSON.parse(
    readFileSync(join(reports, 'verdict.json'), 'utf8'),
  ) as VerdictDocument;
  return { code: r.status, stderr: r.stderr, verdict, reports };
}

/** What a demo may leave behind by mistake: app copies, server folders, server processes. */
function leftovers(): string[] {
  const copies = readdirSync(join(root, 'examples')).filter((f) => f.startsWith('.regression-'));
  const folders = readdirSync(demoTmp);
  const servers = spawnSync('pgrep', ['-af', demoTmp], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.trim() && !l.includes('pgrep'));
  return [...copies, ...folders, ...servers];
}

/** The modules a script loads before it runs, following its static relative imports. */
function staticImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]!);
  return specifiers.flatMap((s) =>
    s.startsWith('.') ? [s, ...staticImports(join(dirname(file), s), seen)] : [s],
  );
}

describe('npm run demo', () => {
  it('loads nothing but Node and its own scripts before its setup (a fresh clone has no node_modules)', () => {
    const outside = staticImports(join(root, 'scripts/demo.mjs')).filter(
      (s) => !s.startsWith('node:') && !s.startsWith('.'),
    );
    expect(outside).toEqual([]);
  });

  it('ends green with every leg reported, the flaky test shown in its lane, and the report written', () => {
    const { code, stderr, verdict, reports } = demo('green');
    expect(code, stderr).toBe(0);
    expect(verdict.verdict).toBe('green');
    expect(verdict.legs.map((l) => [l.name, l.status])).toEqual([
      ['e2e', 'reported'],
      ['integration', 'reported'],
      ['quarantine', 'reported'],
      ['unit-node24-1', 'reported'],
      ['unit-node24-2', 'reported'],
    ]);
    expect(verdict.counts.failed + verdict.counts.error).toBe(verdict.counts.excused);
    // The quarantine lane is expected as a leg that never blocks: no warning about it.
    expect(verdict.legs.find((l) => l.name === 'quarantine')?.blocking).toBe(false);
    expect(verdict.warnings.filter((w) => w.leg === 'quarantine')).toEqual([]);
    // The race ran in the quarantine lane only: excused there, or flaky when a rerun passed.
    const race = [...verdict.excused].find((t) => t.id.includes('right after it is accepted'));
    if (race) expect(race.leg).toBe('quarantine');
    // Its entry is pinned to the way it fails: when it failed every attempt, that failure
    // matched the pin, and the summary says what the entry excuses.
    expect(verdict.warnings.filter((w) => w.code === 'quarantine-signature-mismatch')).toEqual([]);
    if (race?.why === 'quarantined') {
      expect((race.evidence as { signature?: string }).signature).toBe(RACE_SIGNATURE);
      expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toContain(
        `only when failing with ${RACE_SIGNATURE}`,
      );
    }

    expect(existsSync(join(reports, 'report.html'))).toBe(true);
    expect(stderr).toMatch(/demo: legs \(wall [\d.]+ s, longest leg [\d.]+ s\)/);
    // The unit tests in two shards, planned from nothing the first time.
    expect(stderr).toMatch(
      /demo: unit tests in 2 shards from no recorded run yet: equal file counts: unit-1 \(2 files\), unit-2 \(2 files\)/,
    );
    expect(stderr).toMatch(
      / {2}2 shards \(kind=unit node=24\): the slowest, unit-node24-\d, took /,
    );
    expect(stderr).toMatch(/✓ e2e/);
    expect(stderr).toMatch(
      /demo: the job graph of \.github\/workflows\/submissions\.yml, as run here:\n {2}plan {4}.*\n {2}legs {4}unit-node24-1, unit-node24-2, .*, quarantine \(not blocking\)\n {2}report .*\n {2}gate .*\n {2}promote on main only/,
    );
    expect(leftovers()).toEqual([]);
  }, 240_000);

  it('--break applies a real regression: red, naming the broken test, and cleans up its copy', () => {
    const { code, verdict, stderr } = demo('break', '--break');
    expect(code).toBe(1);
    // Red promotes nothing: no job graph that ends in promote.
    expect(stderr).not.toContain('demo: the job graph');
    expect(verdict.verdict).toBe('red');
    expect(verdict.blocking.map((t) => [t.id, t.flake?.status, t.flake?.cause?.label])).toEqual([
      [
        'test/unit/validate.test.ts::validateSubmission > accepts an author of exactly the longest allowed length',
        'broken',
        'new-failure',
      ],
    ]);
    // Caused by this change: it passed in the green run before, on the same branch, at the
    // code this run changed (the strip ends with this run).
    const { cause, recent } = verdict.blocking[0]!.flake!;
    expect(`${cause!.baseCommit}+regression`).toBe(recent!.at(-1)!.commit);
    expect(stderr).toContain(`[new failure: passed on ${cause!.base} at ${cause!.baseCommit}]`);
    expect(verdict.blocking[0]!.leg).toMatch(/^unit-node24-[12]$/);
    // Planned from the green run before it, whose stream the demo kept.
    expect(stderr).toMatch(
      /demo: unit tests in 2 shards from the median of 1 recorded run\(s\): unit-1 [\d.]+ s \(\d files\), unit-2 [\d.]+ s \(\d files\)/,
    );
    expect(leftovers()).toEqual([]);
  }, 240_000);

  it('cleans up when stopped with Ctrl-C in the middle of its legs', async () => {
    const reports = join(out, 'interrupted');
    const child = spawn(
      process.execPath,
      [join(root, 'scripts/demo.mjs'), '--node', '24', '--out', reports, '--history', history],
      { stdio: ['ignore', 'ignore', 'pipe'], env },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the integration leg has its servers up.
    const deadline = Date.now() + 120_000;
    while (
      !existsSync(join(reports, 'logs/integration.log')) &&
      child.exitCode === null &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: stopping the legs and cleaning up');
    expect(leftovers()).toEqual([]);
  }, 240_000);
});
