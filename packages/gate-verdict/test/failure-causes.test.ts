import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FailureCause,
  type TestRef,
  type VerdictDocument,
  validateVerdict,
} from '@testgate/stream';
import { COMMENT_LIMIT } from '../src/index.js';

// Hand-built histories of a main branch and a pull request, each run through the real
// pipe as CI runs it: junit-merge | flake-detect --record | [quarantine-filter |] gate-verdict.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = (tool: string) => `node ${join(root, 'packages', tool, 'bin.js')}`;
const [merge, flake, quarantine, gate] = [
  'junit-merge',
  'flake-detect',
  'quarantine-filter',
  'gate-verdict',
].map(bin) as [string, string, string, string];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'failure-causes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Failures = Record<string, string>;

/** The reports of one run: leg unit (40 passing tests and four more), leg db (five). */
function reports(unit: Failures, db: Failures = {}): void {
  const testcase = (name: string, failures: Failures) => {
    const message = failures[name];
    if (message === undefined) return `<testcase classname="app.Spec" name="${name}" time="0.1"/>`;
    return `<testcase classname="app.Spec" name="${name}" time="0.1"><failure message="${message}" type="AssertionError">AssertionError: ${message}\n    at Context.&lt;anonymous&gt; (/home/runner/work/app/test/spec.test.js:12:5)</failure></testcase>`;
  };
  const write = (leg: string, names: string[], failures: Failures) => {
    rmSync(join(dir, 'artifacts', leg), { recursive: true, force: true });
    mkdirSync(join(dir, 'artifacts', leg), { recursive: true });
    writeFileSync(
      join(dir, 'artifacts', leg, 'junit.xml'),
      `<testsuite name="s">${names.map((n) => testcase(n, failures)).join('')}</testsuite>`,
    );
  };
  const more = ['brand new'].filter((n) => n in unit);
  write(
    'unit',
    [...Array.from({ length: 40 }, (_, n) => `ok ${n}`), 'regress', 'broken', 'racy', ...more],
    unit,
  );
  write(
    'db',
    Array.from({ length: 5 }, (_, n) => `db ${n}`),
    db,
  );
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const BROKEN = 'expected 1 to equal 2';
const timeout = (ms: number, port: number) => `timed out after ${ms} ms waiting for port ${port}`;

/** One run on main, recorded. */
function onMain(commit: string, run: string, attempt: number, hours: number, unit: Failures) {
  reports(unit);
  const r = sh(
    `${merge} 'artifacts/**/*.xml' -q --commit ${commit} --branch main --run-id ${run} --run-attempt ${attempt} --started-at ${hoursAgo(hours)} | ${flake} --history history --record > /dev/null`,
  );
  expect(r.code, r.stderr).toBe(0);
}

/** A run of a pull request into main, as GitHub Actions describes it, through the gate. */
function onPullRequest(commit: string, run: string, hours: number, extra = '') {
  return sh(
    `${merge} 'artifacts/**/*.xml' -q --started-at ${hoursAgo(hours)} | ${flake} --history history --record | tee run.jsonl ${extra} | ${gate} --json verdict.json --comment comment.md --summary summary.md`,
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: commit,
      GITHUB_REF_NAME: '7/merge',
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main',
      GITHUB_RUN_ID: run,
      GITHUB_RUN_ATTEMPT: '1',
    },
  );
}

function verdict(): VerdictDocument {
  const v = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictDocument;
  expect(validateVerdict(v)).toEqual({ ok: true });
  return v;
}
const causes = (tests: TestRef[]) =>
  tests.map((t) => [t.id, t.flake?.cause?.label, t.flake?.cause?.signature]);
const causeOf = (v: VerdictDocument, id: string): FailureCause =>
  v.blocking.find((t) => t.id === id)!.flake!.cause!;

describe('why each failure failed, against the base branch', () => {
  beforeAll(() => {
    // main: "broken" fails on every commit; "racy" failed and passed on a rerun of c1.
    onMain('c1', '1', 1, 10, { broken: BROKEN, racy: timeout(2003, 41234) });
    onMain('c1', '1', 2, 9.5, { broken: BROKEN });
    onMain('c2', '2', 1, 8, { broken: BROKEN });
  });

  it('labels each failure of a pull request, what it caused first, and stays red', () => {
    reports(
      {
        regress: 'expected the total to be 42',
        broken: BROKEN,
        racy: timeout(1987, 50001),
        'brand new': 'not implemented',
      },
      Object.fromEntries(Array.from({ length: 5 }, (_, n) => [`db ${n}`, 'connect ECONNREFUSED'])),
    );
    const r = onPullRequest('p1', '3', 1);
    expect(r.code, r.stderr).toBe(1);
    const v = verdict();
    // Caused by this change first; what fails on main too, known flakes and the outage after.
    expect(causes(v.blocking)).toEqual([
      ['app.Spec::regress', 'new-failure', undefined],
      ['app.Spec::brand new', 'new-test', undefined],
      ['app.Spec::broken', 'fails-on-base', 'same'],
      ['app.Spec::racy', 'known-flaky', 'seen'],
      ...Array.from({ length: 5 }, (_, n) => [`app.Spec::db ${n}`, 'infra', undefined]),
    ]);
    expect(causeOf(v, 'app.Spec::regress')).toMatchObject({ base: 'main', baseCommit: 'c2' });
    expect(causeOf(v, 'app.Spec::broken')).toMatchObject({
      base: 'main',
      baseCommit: 'c2',
      since: 'c1',
      baseFailures: { failing: 2, commits: 2 },
    });
    expect(causeOf(v, 'app.Spec::racy').signatures).toEqual([
      expect.stringMatching(/^sig1:[0-9a-f]{12}$/),
    ]);
    expect(v.reasons.find((x) => x.code === 'tests-failed')!.message).toMatch(
      /^9 test\(s\) failed \(1 new failure, 1 new test, 1 fails on the base branch too, 1 known flaky, 5 infra\), first "app\.Spec::regress" in leg "unit"/,
    );
    // Every report says it in words, in the same order.
    expect(r.stderr).toContain('app.Spec::regress (unit) [new failure: passed on main at c2]');
    expect(r.stderr).toContain(
      'app.Spec::broken (unit) [fails on main too: since c1, 2 of 2 recorded commits, the same failure',
    );
    expect(r.stderr).toContain('app.Spec::racy (unit) [known flaky, failing its usual way (');
    expect(r.stderr).toContain('app.Spec::db 0 (db) [infra: its leg failed en masse in this run]');
    expect(r.stderr).toContain('app.Spec::brand new (unit) [new test: never recorded on main]');
    const comment = readFileSync(join(dir, 'comment.md'), 'utf8');
    expect(comment.split('\n')[0]).toBe('<!-- testgate:gate-verdict -->');
    const lines = comment.split('\n').filter((l) => l.startsWith('- **'));
    expect(lines.map((l) => /^- \*\*(.+?)\*\*/.exec(l)![1])).toEqual(
      v.blocking.map((t) => t.id.replace(/[*_[\]|~#\\`]/g, (c) => `\\${c}`)),
    );
    expect(lines[0]).toContain('_new failure: passed on main at c2_');
    // The summary and the comment are one text; the comment is written whole on each run.
    expect(comment.slice(comment.indexOf('\n') + 1)).toBe(
      readFileSync(join(dir, 'summary.md'), 'utf8'),
    );
  });

  it('a known flaky test failing a new way, and a failure of main failing differently, come first', () => {
    // Numbers are masked: "expected 3 to equal 4" would be the same failure as main's.
    reports({
      broken: 'expected the user to be signed in',
      racy: "cannot read properties of undefined (reading 'id')",
    });
    const r = onPullRequest('p2', '4', 0.8);
    expect(r.code, r.stderr).toBe(1);
    expect(causes(verdict().blocking)).toEqual([
      ['app.Spec::broken', 'fails-on-base', 'different'],
      ['app.Spec::racy', 'known-flaky', 'new'],
    ]);
    expect(r.stderr).toContain(
      'app.Spec::racy (unit) [known flaky, failing a new way (signature not seen before)',
    );
    expect(r.stderr).toContain('2 of 2 recorded commits, but failing a different way here');
  });

  it('a quarantine pinned to the usual signature excuses that failure only, and the label never excuses', () => {
    // Pin "racy" to its timeout, as seen in p1's saved stream.
    reports({ racy: timeout(2011, 40000) });
    expect(onPullRequest('p3', '5', 0.6).code).toBe(1);
    const add = sh(
      `${quarantine} add --file q.json --test 'app.Spec::racy' --owner team-a --reason 'races the port' --days 14 --from run.jsonl`,
    );
    expect(add.code, add.stderr).toBe(0);
    const pinned = (
      JSON.parse(readFileSync(join(dir, 'q.json'), 'utf8')) as {
        quarantined: Array<{ signature: string }>;
      }
    ).quarantined[0]!.signature;

    reports({ racy: timeout(1999, 43001) });
    const usual = onPullRequest('p4', '6', 0.4, `| ${quarantine} --file q.json`);
    expect(usual.code, usual.stderr).toBe(0);
    expect(verdict().excused.map((t) => [t.id, t.why, t.flake?.cause?.signatures])).toEqual([
      ['app.Spec::racy', 'quarantined', [pinned]],
    ]);

    reports({ racy: 'socket hang up' });
    const other = onPullRequest('p5', '7', 0.2, `| ${quarantine} --file q.json`);
    expect(other.code).toBe(1);
    const v = verdict();
    expect(causes(v.blocking)).toEqual([['app.Spec::racy', 'known-flaky', 'new']]);
    expect(v.warnings.find((w) => w.code === 'quarantine-signature-mismatch')!.message).toContain(
      `is quarantined for failing with ${pinned} (owner team-a), but failed with sig1:`,
    );
  });
});

describe('the base branch', () => {
  it('is the run branch on a push, read without the commit under test; --base names another', () => {
    const push = mkdtempSync(join(dir, 'push-'));
    const run = (commit: string, hours: number, failures: Failures, extra = '') => {
      mkdirSync(join(push, 'artifacts/unit'), { recursive: true });
      writeFileSync(
        join(push, 'artifacts/unit/junit.xml'),
        `<testsuite name="s">${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 't']
          .map((n) =>
            failures[n] === undefined
              ? `<testcase classname="x" name="${n}"/>`
              : `<testcase classname="x" name="${n}"><failure message="${failures[n]}"/></testcase>`,
          )
          .join('')}</testsuite>`,
      );
      const r = sh(
        `cd ${push} && ${merge} 'artifacts/**/*.xml' -q --commit ${commit} --branch ${commit.startsWith('r') ? 'release' : 'main'} --run-id ${commit} --started-at ${hoursAgo(hours)} | ${flake} --history h --record ${extra} | ${gate} -q --json v.json`,
      );
      expect([0, 1], r.stderr).toContain(r.code);
      return JSON.parse(readFileSync(join(push, 'v.json'), 'utf8')) as VerdictDocument;
    };
    run('m1', 5, {});
    run('r1', 4, { t: 'boom' });
    // The first run of m2 is recorded failing; a rerun of m2 still reads m1 as the base.
    expect(causes(run('m2', 3, { t: 'boom' }).blocking)).toEqual([
      ['x::t', 'new-failure', undefined],
    ]);
    const rerun = run('m2', 2, { t: 'boom' });
    expect(rerun.blocking[0]!.flake!.cause).toMatchObject({ base: 'main', baseCommit: 'm1' });
    // Against release, where it failed at r1 already.
    const release = run('m3', 1, { t: 'boom' }, '--base release');
    expect(release.blocking[0]!.flake!.cause).toMatchObject({
      label: 'fails-on-base',
      base: 'release',
      since: 'r1',
      baseFailures: { failing: 1, commits: 1 },
      signature: 'same',
    });
  });
});

describe('gate-verdict --comment', () => {
  it('stays under GitHub comment limit with thousands of failures, saying where the rest is', () => {
    const cases = Array.from(
      { length: 5000 },
      (_, n) =>
        `<testcase classname="app.Spec" name="failing ${n} ${'x'.repeat(40)}"><failure message="${'why '.repeat(30)}"/></testcase>`,
    );
    mkdirSync(join(dir, 'many/unit'), { recursive: true });
    writeFileSync(
      join(dir, 'many/unit/junit.xml'),
      `<testsuite name="s">${cases.join('')}</testsuite>`,
    );
    const r = sh(`${merge} 'many/**/*.xml' -q | ${gate} -q --comment big.md`);
    expect(r.code).toBe(1);
    const comment = readFileSync(join(dir, 'big.md'), 'utf8');
    expect(comment.length).toBeLessThan(COMMENT_LIMIT);
    expect(comment.length).toBeGreaterThan(COMMENT_LIMIT / 2);
    expect(comment).toMatch(
      /_… and \d+ more, cut to stay under 64 KiB: see the --json verdict document\._/,
    );
  });
});
