import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestRecord, VerdictDocument } from '@testgate/stream';

// junit-merge | quarantine-filter | gate-verdict, the built binaries through real pipes.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = (tool: string) => `node ${join(root, 'packages', tool, 'bin.js')}`;
const [merge, quarantine, gate] = ['junit-merge', 'quarantine-filter', 'gate-verdict'].map(bin) as [
  string,
  string,
  string,
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quarantine-filter-'));
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

function reports(failures: number, passes = 10): void {
  const cases = [
    ...Array.from({ length: passes }, (_, n) => `<testcase classname="app.Spec" name="ok ${n}"/>`),
    ...Array.from(
      { length: failures },
      (_, n) =>
        `<testcase classname="app.Spec" name="flaky ${n}"><failure message="timing"/></testcase>`,
    ),
  ];
  mkdirSync(join(dir, 'artifacts/unit'), { recursive: true });
  writeFileSync(
    join(dir, 'artifacts/unit/junit.xml'),
    `<testsuite name="s">${cases.join('')}</testsuite>`,
  );
}

const ledger = (entries: object[]) =>
  writeFileSync(join(dir, 'q.json'), JSON.stringify({ quarantined: entries }));
const entry = {
  test: 'app.Spec::flaky 0',
  reason: 'races the clock',
  owner: 'team-a',
  quarantinedDate: '2026-11-01',
  deadline: '2026-11-15',
};
const verdict = (): VerdictDocument =>
  JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')) as VerdictDocument;

describe('junit-merge | quarantine-filter | gate-verdict', () => {
  it('is green when the only failure is quarantined, and red once its entry expires', () => {
    reports(1);
    ledger([entry]);
    const before = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-10 | ${gate} --json v.json -q`,
    );
    expect(before.code).toBe(0);
    expect(verdict().excused).toEqual([
      {
        id: 'app.Spec::flaky 0',
        leg: 'unit',
        outcome: 'failed',
        message: 'timing',
        summary: 'failed in its only run',
        why: 'quarantined',
        evidence: { ...entry, blocks: false, daysLeft: 5, expired: false },
      },
    ]);
    const after = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-18 | ${gate} --json v.json -q`,
    );
    expect(after.code).toBe(1);
    expect(verdict().reasons).toEqual([
      {
        code: 'quarantine-expired',
        message:
          'quarantine of "app.Spec::flaky 0" expired 3 day(s) ago (deadline 2026-11-15, owner team-a): its failures block again',
      },
      {
        code: 'tests-failed',
        message:
          '1 test(s) failed, first "app.Spec::flaky 0" in leg "unit": failed in its only run',
      },
    ]);
  });

  it('keeps an expired entry excused with a warning under --expired warn', () => {
    reports(1);
    ledger([entry]);
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-18 --expired warn | ${gate} --json v.json -q`,
    );
    expect(r.code).toBe(0);
    expect(verdict().warnings.map((w) => w.code)).toEqual(['quarantine-expired']);
  });

  it('marks a quarantined test that passed, and warns about an entry that matched nothing', () => {
    reports(0);
    ledger([
      { ...entry, test: 'app.Spec::ok 1' },
      { ...entry, test: 'gone::test' },
    ]);
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-10`,
    );
    expect(r.code).toBe(0);
    const records = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as TestRecord);
    expect(records.find((x) => x.id === 'app.Spec::ok 1')).toMatchObject({
      outcome: 'passed',
      quarantine: { owner: 'team-a', blocks: false },
    });
    expect(
      records.filter((x) => (x.type as string) === 'diagnostic').map((x) => [x.severity, x.code]),
    ).toEqual([['warning', 'quarantine-stale']]);
    expect(records.at(-1)).toEqual({
      type: 'end',
      tool: 'quarantine-filter',
      records: records.length - 1,
    });
  });

  it('withdraws the excuse when more failures are quarantined than --max-excused', () => {
    reports(3);
    ledger([{ ...entry, test: 'app.Spec::flaky *' }]);
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-10 --max-excused 2 | ${gate} --json v.json -q`,
    );
    expect(r.code).toBe(1);
    expect(verdict().reasons.map((x) => x.code)).toEqual(['quarantine-excuse-withdrawn']);
  });

  it('withdraws the excuse when quarantined failures come with a mass failure of the run', () => {
    reports(1, 2);
    mkdirSync(join(dir, 'artifacts/e2e'), { recursive: true });
    const broken = Array.from(
      { length: 4 },
      (_, n) =>
        `<testcase classname="e2e" name="t${n}"><error message="connection refused"/></testcase>`,
    );
    writeFileSync(
      join(dir, 'artifacts/e2e/junit.xml'),
      `<testsuite>${broken.join('')}</testsuite>`,
    );
    ledger([entry]);
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file q.json --today 2026-11-10 | ${gate} --json v.json -q`,
    );
    expect(r.code).toBe(1);
    expect(verdict().reasons.map((x) => x.code)).toEqual([
      'quarantine-excuse-withdrawn',
      'tests-failed',
    ]);
  });

  it('passes a cut stream on as cut, so the gate fails closed', () => {
    reports(1);
    ledger([entry]);
    const r = sh(
      `${merge} 'artifacts/**/*.xml' -q | head -n 2 | ${quarantine} --file q.json --today 2026-11-10 | ${gate} -q`,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('quarantine-filter: -: stream cut off after line 2: no end record');
  });
});
