import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QuarantineLedger, shellQuote } from '@testgate/stream';
import { selectArgs } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const select = `node ${join(root, 'packages/quarantine-filter/bin.js')} select --today 2026-11-01`;
const merge = `node ${join(root, 'packages/junit-merge/bin.js')}`;
const entry = (test: string, extra: object = {}) => ({
  test,
  reason: 'r',
  owner: 'o',
  quarantinedDate: '2026-10-01',
  deadline: '2026-11-10',
  ...extra,
});
const ledger = (...tests: string[]): QuarantineLedger => ({
  quarantined: tests.map((t) => entry(t)),
});
const args = (
  l: QuarantineLedger,
  lane: 'blocking' | 'quarantine',
  runner: 'vitest' | 'jest' | 'pytest' | 'playwright' | 'go' | 'ids',
) => selectArgs(l, { lane, runner, today: '2026-11-01' });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quarantine-select-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string, cwd = dir) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', CI: 'true' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The tests a runner ran, read back from its JUnit through junit-merge. */
function ran(junit: string): string[] {
  const out = sh(`${merge} ${junit} --leg x -q`);
  return out.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; id: string; outcome: string })
    .filter((r) => r.type === 'test' && r.outcome !== 'skipped')
    .map((r) => r.id)
    .sort();
}

describe('select, with the real runners', () => {
  it('vitest runs only the quarantined tests in the quarantine lane and leaves them out of the blocking lane', () => {
    const project = join(dir, 'vitest-project');
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, 'vitest.config.mjs'),
      'export default { test: { include: ["*.test.mjs"] } };\n',
    );
    writeFileSync(
      join(project, 'math.test.mjs'),
      `import { describe, test } from 'vitest';\ntest('a plain one', () => {});\ntest("b's (odd) name", () => {});\ndescribe('outer', () => { test('c', () => {}); test('d', () => {}); });\n`,
    );
    writeFileSync(
      join(project, 'q.json'),
      JSON.stringify(ledger("math.test.mjs::b's (odd) name", 'math.test.mjs::outer > c')),
    );
    const vitest = join(root, 'node_modules/.bin/vitest');
    for (const [lane, expected] of [
      ['quarantine', ["math.test.mjs::b's (odd) name", 'math.test.mjs::outer > c']],
      ['blocking', ['math.test.mjs::a plain one', 'math.test.mjs::outer > d']],
    ] as const) {
      const r = sh(
        `eval "${vitest} run --reporter=junit --outputFile=${lane}.xml $(${select} --file q.json --lane ${lane} --runner vitest)"`,
        project,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(ran(join(project, `${lane}.xml`))).toEqual(expected);
    }
  }, 60_000);

  it('pytest runs the quarantined node ids in the quarantine lane and deselects them in the blocking lane', () => {
    const project = join(dir, 'pytest-project');
    mkdirSync(join(project, 'tests'), { recursive: true });
    writeFileSync(join(project, 'tests/__init__.py'), '');
    writeFileSync(
      join(project, 'tests/test_mod.py'),
      'def test_a():\n    pass\n\ndef test_b():\n    pass\n\nclass TestK:\n    def test_c(self):\n        pass\n    def test_d(self):\n        pass\n',
    );
    writeFileSync(
      join(project, 'q.json'),
      JSON.stringify(ledger('tests.test_mod::test_b', 'tests.test_mod.TestK::test_c')),
    );
    for (const [lane, expected] of [
      ['quarantine', ['tests.test_mod.TestK::test_c', 'tests.test_mod::test_b']],
      ['blocking', ['tests.test_mod.TestK::test_d', 'tests.test_mod::test_a']],
    ] as const) {
      const r = sh(
        `eval "python3 -m pytest -q -p no:cacheprovider --junitxml=${lane}.xml $(${select} --file q.json --lane ${lane} --runner pytest) tests"`.replace(
          ' tests"',
          lane === 'quarantine' ? '"' : ' tests"',
        ),
        project,
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(ran(join(project, `${lane}.xml`))).toEqual(expected);
    }
  }, 60_000);

  it('prints nothing for an empty quarantine lane, and says so', () => {
    writeFileSync(join(dir, 'empty.json'), '{"quarantined": []}');
    const r = sh(`${select} --file empty.json --lane quarantine --runner vitest`);
    expect(r).toEqual({
      code: 0,
      stdout: '',
      stderr: 'quarantine-filter: no test is quarantined: the quarantine lane has nothing to run\n',
    });
  });
});

describe('selectArgs', () => {
  const l = ledger('src/a.test.ts::suite › flaky one', 'src/b.test.ts::x*');
  it('writes each runner’s own filter', () => {
    expect(args(l, 'quarantine', 'jest')).toEqual([
      'src/a.test.ts',
      'src/b.test.ts',
      '--testNamePattern',
      '^(?:suite › flaky one|x.*)$',
    ]);
    expect(args(l, 'blocking', 'jest')).toEqual([
      '--testNamePattern',
      '^(?!(?:suite › flaky one|x.*)$)',
    ]);
    expect(
      args(ledger('[chromium] page.spec.ts::page › loads (slowly)'), 'blocking', 'playwright'),
    ).toEqual(['--grep-invert', '(?:page › loads \\(slowly\\))$']);
    expect(
      args(ledger('example.com/pkg::TestA', 'example.com/pkg::TestB'), 'blocking', 'go'),
    ).toEqual(['-skip', '^(?:TestA|TestB)$']);
    expect(args(l, 'blocking', 'ids')).toEqual([
      'src/a.test.ts::suite › flaky one',
      'src/b.test.ts::x*',
    ]);
  });

  it('leaves expired entries, and entries for other legs, in the blocking lane', () => {
    const mixed: QuarantineLedger = {
      quarantined: [
        entry('a::x', { deadline: '2026-10-30' }),
        entry('a::y', { legs: ['e2e-*'] }),
        entry('a::z'),
      ],
    };
    expect(selectArgs(mixed, { lane: 'quarantine', runner: 'ids', today: '2026-11-01' })).toEqual([
      'a::z',
    ]);
    expect(
      selectArgs(mixed, {
        lane: 'quarantine',
        runner: 'ids',
        today: '2026-11-01',
        leg: 'e2e-chromium',
      }),
    ).toEqual(['a::y', 'a::z']);
  });

  it('refuses what a runner cannot pick out exactly', () => {
    expect(() => args(ledger('pkg::TestA/sub'), 'blocking', 'go')).toThrow(
      'is a subtest, which -run/-skip cannot pick out alone',
    );
    expect(() => args(ledger('tests.mod::test_*'), 'blocking', 'pytest')).toThrow(
      'is a glob; pytest takes exact node ids',
    );
  });

  it('refuses an id that a runner would read as an option, and an id with a line break for --runner ids', () => {
    expect(() => args(ledger('--config=evil.ts::x'), 'quarantine', 'vitest')).toThrow(
      'select --runner vitest: "--config=evil.ts" would be read as an option, not a test',
    );
    expect(() => args(ledger('--rootdir=/.x::t'), 'quarantine', 'pytest')).toThrow(
      'would be read as an option, not a test',
    );
    expect(() => args(ledger('a::line\n--b'), 'quarantine', 'ids')).toThrow(
      'holds a line break, which would read as two ids',
    );
  });

  it('quotes for a POSIX shell', () => {
    expect(['plain', "it's", 'a b', '$(rm -rf /)', '`x`'].map(shellQuote)).toEqual([
      'plain',
      "'it'\\''s'",
      "'a b'",
      "'$(rm -rf /)'",
      "'`x`'",
    ]);
  });
});
