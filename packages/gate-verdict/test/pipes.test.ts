import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type VerdictDocument, validateVerdict } from '@testgate/stream';

// Every verdict here goes through a real pipe from the built junit-merge to the built
// gate-verdict, as a CI job runs them.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const merge = `node ${join(root, 'packages/junit-merge/bin.js')}`;
const gate = `node ${join(root, 'packages/gate-verdict/bin.js')}`;
const flake = `node ${join(root, 'packages/flake-detect/bin.js')}`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gate-verdict-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function sh(script: string) {
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function verdictFile(): VerdictDocument {
  const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as VerdictDocument;
  expect(validateVerdict(verdict)).toEqual({ ok: true });
  return verdict;
}

const suite = (cases: string) =>
  `<testsuite name="s" timestamp="2026-01-01T00:00:00">${cases}</testsuite>`;
const pass = (name: string, time = '0.1') =>
  `<testcase classname="app.Spec" name="${name}" time="${time}"/>`;
const fail = (name: string) =>
  `<testcase classname="app.Spec" name="${name}" file="src/app.test.ts" line="12"><failure message="expected 1, got 2">trace</failure></testcase>`;

describe('junit-merge | gate-verdict', () => {
  it('is green when every leg reported and everything passed', () => {
    write({
      'artifacts/unit/junit.xml': suite(pass('a') + pass('b')),
      'artifacts/e2e/junit.xml': suite(pass('c')),
    });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q --expect '["unit","e2e"]' | ${gate} --json verdict.json --summary summary.md`,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^gate-verdict: GREEN {2}3 results \(tests × legs\) in 2 leg\(s\): 3 passed, 0 failed/,
    );
    const verdict = verdictFile();
    expect(verdict).toMatchObject({
      verdict: 'green',
      reasons: [],
      counts: { tests: 3, passed: 3 },
    });
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^## ✅ Test gate: green\n/);
  });

  it('is red for a test that failed in every attempt, and annotates it on its line', () => {
    write({ 'artifacts/unit/junit.xml': suite(pass('a') + fail('b')) });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${gate} --json verdict.json --annotations github`,
    );
    expect(r.code).toBe(1);
    expect(verdictFile().reasons.map((x) => x.code)).toEqual(['tests-failed']);
    expect(r.stdout).toBe(
      '::error file=src/app.test.ts,line=12,title=failed%3A app.Spec%3A%3Ab::app.Spec::b (unit)%0Aexpected 1, got 2\n',
    );
  });

  it('is red for a report cut off by a killed runner', () => {
    write({
      'artifacts/unit/junit.xml': suite(pass('a')),
      'artifacts/e2e/junit.xml': '<testsuite><testcase name="x">',
    });
    const r = sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --json verdict.json`);
    expect(r.code).toBe(1);
    expect(verdictFile().reasons).toEqual([
      {
        code: 'report-truncated',
        leg: 'e2e',
        message: 'artifacts/e2e/junit.xml:1: file ends inside <testcase>: the report was cut off',
      },
    ]);
  });

  it('is red for an expected leg that never reported, whether junit-merge or gate-verdict expects it', () => {
    write({ 'artifacts/unit/junit.xml': suite(pass('a')) });
    const merged = sh(
      `${merge} 'artifacts/**/*.xml' -q --expect '["unit","e2e"]' | ${gate} --json verdict.json`,
    );
    expect(merged.code).toBe(1);
    // One reason for one missing leg: junit-merge's, with its hint, not a second one of our own.
    expect(verdictFile().reasons).toEqual([
      { code: 'leg-missing', leg: 'e2e', message: 'expected leg "e2e" has no report' },
    ]);
    const gated = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${gate} --expect '["unit","e2e"]' --json verdict.json`,
    );
    expect(gated.code).toBe(1);
    expect(verdictFile().reasons).toEqual([
      { code: 'leg-missing', leg: 'e2e', message: 'expected leg "e2e" is not in the stream' },
    ]);
  });

  it('is red for a leg whose only report is not JUnit at all', () => {
    write({
      'artifacts/unit/junit.xml': suite(pass('a')),
      'artifacts/e2e/junit.xml': '<html><body>502 Bad Gateway</body></html>',
    });
    const r = sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --json verdict.json`);
    expect(r.code).toBe(1);
    expect(verdictFile().reasons.map((x) => [x.code, x.leg])).toEqual([
      ['not-junit', 'e2e'],
      ['leg-unreadable', 'e2e'],
    ]);
  });

  it('never blocks on a leg expected with "blocking": false: its failures show as excused, what is wrong with it warns', () => {
    const legs = `'[{"name":"unit"},{"name":"quarantine","blocking":false},{"name":"nightly","blocking":false}]'`;
    write({
      'artifacts/unit/junit.xml': suite(pass('a')),
      'artifacts/quarantine/junit.xml': suite(fail('b')),
    });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q --expect ${legs} | ${gate} --json verdict.json --summary summary.md`,
    );
    expect(r.code, r.stderr).toBe(0);
    const verdict = verdictFile();
    expect(verdict.reasons).toEqual([]);
    expect(verdict.excused.map((t) => [t.id, t.leg, t.why])).toEqual([
      ['app.Spec::b', 'quarantine', 'leg-not-blocking'],
    ]);
    expect(verdict.warnings.map((w) => [w.code, w.leg])).toEqual([['leg-missing', 'nightly']]);
    expect(verdict.legs.find((l) => l.name === 'quarantine')).toMatchObject({ blocking: false });
    const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('| quarantine | ✅ 0/1 (1 failed, not blocking) |');
    expect(summary).toContain('### In legs that do not block (1)');
    // The same failure in a leg that blocks is red.
    const red = sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} -q`);
    expect(red.code).toBe(1);
  });

  it('writes the run as one CTRF document the ctrf package validates, failing closed on a missing leg', async () => {
    const { validate } = await import('ctrf');
    write({
      'artifacts/unit/junit.xml': suite(pass('a') + fail('b')),
      'artifacts/unit/attempt-2/junit.xml': suite(pass('a') + pass('b')),
      'artifacts/e2e/junit.xml': suite(fail('c')),
    });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q --expect '["unit","e2e","api"]' --commit abc --run-id 7 --started-at 2026-11-02T10:00:00Z | ${flake} --history h | ${gate} -q --ctrf ctrf.json`,
    );
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(readFileSync(join(dir, 'ctrf.json'), 'utf8')) as {
      runId: string;
      results: {
        summary: Record<string, number>;
        tests: Array<Record<string, unknown> & { extra: { testgate: Record<string, unknown> } }>;
        extra: { testgate: { verdict: string } };
      };
    };
    const check = validate(doc);
    expect(check.errors ?? []).toEqual([]);
    expect(check.valid).toBe(true);
    expect(doc.runId).toBe('7');
    const tests = doc.results.tests;
    expect(tests.map((t) => [t.testId, t.status, t.rawStatus])).toEqual([
      ['app.Spec::c', 'failed', 'failed'],
      ['app.Spec::a', 'passed', 'passed'],
      ['app.Spec::b', 'passed', 'flaky'],
      // The missing leg: a failed test of its own, so that CTRF alone fails closed.
      ['testgate::leg-missing::api', 'failed', 'error'],
    ]);
    const flaky = tests.find((t) => t.testId === 'app.Spec::b')!;
    expect(flaky).toMatchObject({
      flaky: true,
      retries: 1,
      retryAttempts: [{ attempt: 1, status: 'failed', message: 'expected 1, got 2' }],
      filePath: 'src/app.test.ts',
      line: 12,
    });
    expect(flaky.extra.testgate).toMatchObject({ leg: 'unit', flake: { status: 'flaky' } });
    expect(doc.results.summary).toMatchObject({ tests: 4, passed: 2, failed: 2, flaky: 1 });
    expect(doc.results.extra.testgate.verdict).toBe('red');
  });

  it('reads its own CTRF back through junit-merge: the same outcomes, and still red', () => {
    write({
      'artifacts/unit/junit.xml': suite(pass('a') + fail('b') + fail('c')),
      'artifacts/unit/attempt-2/junit.xml': suite(pass('a') + pass('b') + fail('c')),
    });
    const first = sh(
      `${merge} 'artifacts/**/*.xml' -q --expect '["unit","api"]' | ${gate} -q --ctrf ctrf.json`,
    );
    expect(first.code, first.stderr).toBe(1);
    const again = sh(
      `${merge} ctrf.json --leg unit -q | tee stream.jsonl | ${gate} -q --json verdict.json`,
    );
    expect(again.code, again.stderr).toBe(1);
    const tests = readFileSync(join(dir, 'stream.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; name: string; outcome: string })
      .filter((r) => r.type === 'test');
    expect(tests.map((t) => [t.name, t.outcome])).toEqual([
      ['a', 'passed'],
      ['b', 'flaky'],
      ['c', 'failed'],
      // The missing leg, written as a failed test, keeps a CTRF-only reader red.
      ['leg-missing (api)', 'failed'],
    ]);
    // CTRF has no classname: read back, a test's id is its suite path and name.
    expect(
      verdictFile()
        .blocking.map((b) => b.id)
        .sort(),
    ).toEqual(['leg-missing (api)', 's::c']);
  });

  it('exits 2 on a stream cut off between the stages, and still writes a red summary', () => {
    write({ 'artifacts/unit/junit.xml': suite(pass('a') + pass('b')) });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | head -n 3 | ${gate} --json verdict.json --summary summary.md`,
    );
    expect(r.code).toBe(2);
    // One line: the stage before it is the one with something to say.
    expect(r.stderr).toBe(
      'gate-verdict: RED, -: stream cut off after line 3: no end record (the stage before this one stopped: its own error says why)\n',
    );
    expect(verdictFile()).toMatchObject({ verdict: 'red', reasons: [{ code: 'stream-unusable' }] });
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('## ❌ Test gate: red');
  });

  it('exits 2 on input that is not a stream at all', () => {
    write({ 'junit.xml': suite(pass('a')) });
    const r = sh(`cat junit.xml | ${gate}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^gate-verdict: RED, -:1: not a JSON record: "<testsuite/);
  });

  it('exits 2 on a stream that does not validate', () => {
    write({ 'artifacts/unit/junit.xml': suite(fail('b')) });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | sed 's/"outcome":"failed"/"outcome":"fine"/g' | ${gate}`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^gate-verdict: RED, -:3: invalid test record: (attempts\.0\.)?outcome must be equal to one of the allowed values/,
    );
  });

  it('never lets test data start a line of its own: workflow commands in names, files and messages stay inside one line', () => {
    const evil = '\n::add-mask::secret\n::stop-commands::x\u001b]8;;http://e\u0007';
    const stream = [
      {
        type: 'run',
        version: 1,
        tool: 'junit-merge',
        ci: 'local',
        startedAt: '2026-01-01T00:00:00.000Z',
      },
      {
        type: 'leg',
        name: 'unit',
        status: 'reported',
        files: ['a.xml'],
        counts: { tests: 1, passed: 0, failed: 1, error: 0, skipped: 0, flaky: 0 },
      },
      {
        type: 'test',
        id: `t${evil}`,
        leg: 'unit',
        outcome: 'failed',
        name: `t${evil}`,
        classname: '',
        file: `src/a.ts${evil}`,
        line: 3,
        attempts: [{ outcome: 'failed', message: `boom\r${evil}` }],
      },
      { type: 'end', tool: 'junit-merge', records: 3 },
    ];
    write({ 'stream.jsonl': stream.map((r) => JSON.stringify(r)).join('\n') + '\n' });
    const result = sh(`${gate} stream.jsonl --annotations github --summary summary.md`);
    expect(result.code).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.split('\n');
    // Only the tool's own annotation starts a line with "::", and nothing carries ESC or BEL.
    expect(lines.filter((l) => l.startsWith('::')).map((l) => l.slice(0, 8))).toEqual(['::error ']);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/[\u001b\u0007\r]/);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).not.toMatch(/[\r\u001b\u0007]|\n::/);
  });

  it('says in one line that a report cannot be written (a full disk, a missing folder), exits 2, and leaves no file behind', () => {
    write({ 'artifacts/unit/junit.xml': suite(pass('a')) });
    for (const [flag, target, reason] of [
      ['--json', '/dev/full', '/dev/full: cannot write (ENOSPC)'],
      ['--html', '/dev/full', '/dev/full: cannot write (ENOSPC)'],
      ['--summary', 'missing/summary.md', 'missing/summary.md: cannot open (ENOENT)'],
    ] as const) {
      const result = sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} -q ${flag} ${target}`);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(
        new RegExp(`^gate-verdict: .*${reason.replace(/[.()]/g, '\\$&')}$`),
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stays quiet when the reader of its annotations is gone before they are written (| true)', () => {
    write({
      'artifacts/unit/junit.xml': suite(
        Array.from({ length: 30 }, (_, n) => fail(`f${n}`)).join(''),
      ),
    });
    sh(`${merge} 'artifacts/**/*.xml' -q > stream.jsonl`);
    for (let run = 0; run < 5; run++) {
      const result = sh(
        `${gate} stream.jsonl --annotations github 2>err.txt | true; echo $? > code.txt`,
      );
      expect(result.code).toBe(0);
      expect(readFileSync(join(dir, 'err.txt'), 'utf8')).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    }
  });

  it('is red when no test ran, unless --allow-empty', () => {
    write({
      'artifacts/unit/junit.xml': suite('<testcase classname="c" name="s"><skipped/></testcase>'),
    });
    expect(sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --json verdict.json`).code).toBe(1);
    expect(verdictFile().reasons).toEqual([
      { code: 'no-tests', message: 'no test ran: all 1 were skipped' },
    ]);
    expect(sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --allow-empty -q`).code).toBe(0);
  });

  it('shows flaky tests without blocking by default, and blocks on them with --flaky fail', () => {
    write({
      'artifacts/unit/junit.xml': suite(fail('f')),
      'artifacts/unit/attempt-2/junit.xml': suite(pass('f')).replace('00:00:00', '00:05:00'),
    });
    const warn = sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --json verdict.json`);
    expect(warn.code).toBe(0);
    const verdict = verdictFile();
    expect(verdict.excused).toEqual([
      {
        id: 'app.Spec::f',
        leg: 'unit',
        outcome: 'flaky',
        message: 'expected 1, got 2',
        details: 'trace',
        file: 'src/app.test.ts',
        line: 12,
        summary: 'failed in 1 of 2 attempts',
        why: 'flaky',
        evidence: [
          { outcome: 'failed', message: 'expected 1, got 2', report: 'artifacts/unit/junit.xml' },
          { outcome: 'passed', report: 'artifacts/unit/attempt-2/junit.xml' },
        ],
      },
    ]);
    expect(verdict.warnings.map((w) => w.code)).toEqual(['tests-flaky']);
    expect(sh(`${merge} 'artifacts/**/*.xml' -q | ${gate} --flaky fail -q`).code).toBe(1);
  });

  it('warns over a budget target and is red over its hard limit, naming the slowest tests', () => {
    write({
      'artifacts/unit/junit.xml': `<testsuites time="150">${suite(pass('slow', '90') + pass('quick', '1'))}</testsuites>`,
      'budgets.json': JSON.stringify({
        budgets: [
          { leg: 'unit', target: 120, hard: 180 },
          { suite: 's*', target: 60, hard: 80 },
        ],
      }),
    });
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${gate} --budgets budgets.json --json verdict.json`,
    );
    expect(r.code).toBe(1);
    const verdict = verdictFile();
    expect(verdict.warnings).toEqual([
      {
        code: 'budget-target',
        leg: 'unit',
        message:
          'leg "unit" took 150 s, over its target of 120 s (hard limit 180 s); slowest: app.Spec::slow (90 s), app.Spec::quick (1 s)',
      },
    ]);
    expect(verdict.reasons).toEqual([
      {
        code: 'budget-exceeded',
        leg: 'unit',
        message:
          'suite "s" in leg "unit" took 91 s, over its hard limit of 80 s; slowest: app.Spec::slow (90 s), app.Spec::quick (1 s)',
      },
    ]);
  });

  it('gives the same verdict and the same bytes on the same stream', () => {
    write({
      'artifacts/unit/junit.xml': suite(pass('a') + fail('b') + fail('c')),
      'artifacts/e2e/junit.xml': suite(fail('d')),
    });
    sh(`${merge} 'artifacts/**/*.xml' -q > stream.jsonl`);
    const once = sh(
      `${gate} stream.jsonl --json one.json --summary one.md --html one.html --annotations github -q`,
    );
    const twice = sh(
      `${gate} stream.jsonl --json two.json --summary two.md --html two.html --annotations github -q`,
    );
    expect(once.code).toBe(1);
    expect(twice.stdout).toBe(once.stdout);
    expect(readFileSync(join(dir, 'two.json'), 'utf8')).toBe(
      readFileSync(join(dir, 'one.json'), 'utf8'),
    );
    expect(readFileSync(join(dir, 'two.md'), 'utf8')).toBe(
      readFileSync(join(dir, 'one.md'), 'utf8'),
    );
    expect(readFileSync(join(dir, 'two.html'), 'utf8')).toBe(
      readFileSync(join(dir, 'one.html'), 'utf8'),
    );
  });
});
