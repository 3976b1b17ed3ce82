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

describe('a quarantine pinned to a failure signature', () => {
  const failing = (message: string) => {
    mkdirSync(join(dir, 'artifacts/unit'), { recursive: true });
    writeFileSync(
      join(dir, 'artifacts/unit/junit.xml'),
      `<testsuite name="s"><testcase classname="app.Spec" name="ok"/><testcase classname="app.Spec" name="flaky 0"><failure message="${message}" type="AssertionError">AssertionError: ${message}\n    at Context.&lt;anonymous&gt; (/home/runner/work/app/test/spec.test.js:12:5)</failure></testcase></testsuite>`,
    );
  };
  const gateWith = (ledgerFile: string) =>
    sh(
      `${merge} 'artifacts/**/*.xml' -q | ${quarantine} --file ${ledgerFile} --today 2026-11-10 | ${gate} --json v.json -q`,
    );

  it('add --from takes the signature and the legs of the failure in a saved stream; it excuses that failure only', () => {
    failing('timed out after 2003 ms waiting for port 41234');
    expect(sh(`${merge} 'artifacts/**/*.xml' -q > run.jsonl`).code).toBe(0);
    const add = sh(
      `${quarantine} add --file pinned.json --today 2026-11-01 --test 'app.Spec::flaky 0' --owner team-a --reason 'races the clock' --days 14 --from run.jsonl`,
    );
    expect(add.code, add.stderr).toBe(0);
    const [pinned] = (
      JSON.parse(readFileSync(join(dir, 'pinned.json'), 'utf8')) as {
        quarantined: Array<{ signature: string; legs: string[] }>;
      }
    ).quarantined;
    expect(pinned!.signature).toMatch(/^sig1:[0-9a-f]{12}$/);
    expect(pinned!.legs).toEqual(['unit']);
    expect(add.stderr).toBe(
      `quarantine-filter: quarantined "app.Spec::flaky 0" for failing with ${pinned!.signature} until 2026-11-15 in pinned.json\n`,
    );

    // The same failure on another run (other timing, another port): excused.
    failing('timed out after 1987 ms waiting for port 50001');
    expect(gateWith('pinned.json').code).toBe(0);
    expect(verdict().excused.map((e) => e.id)).toEqual(['app.Spec::flaky 0']);

    // Failing another way: it blocks, and the run says which signature against which.
    failing('expected the invoice total to be 42');
    const other = gateWith('pinned.json');
    expect(other.code).toBe(1);
    expect(verdict().excused).toEqual([]);
    expect(verdict().blocking.map((b) => b.id)).toEqual(['app.Spec::flaky 0']);
    const warning = verdict().warnings.find((w) => w.code === 'quarantine-signature-mismatch');
    expect(warning?.message).toMatch(
      new RegExp(
        `^"app\\.Spec::flaky 0" is quarantined for failing with ${pinned!.signature} \\(owner team-a\\), but failed with sig1:[0-9a-f]{12} in leg "unit": this failure blocks$`,
      ),
    );
    // An entry without a signature excuses it as before.
    ledger([entry]);
    expect(gateWith('q.json').code).toBe(0);
  });

  it('gate-verdict does not take a mark that excuses a pinned entry for another failure', () => {
    failing('expected the invoice total to be 42');
    const forged = sh(
      `${merge} 'artifacts/**/*.xml' -q | node -e 'let t="";process.stdin.on("data",c=>t+=c).on("end",()=>process.stdout.write(t.split("\\n").map(l=>l.includes("\\"flaky 0\\"")?JSON.stringify({...JSON.parse(l),quarantine:{test:"app.Spec::flaky 0",owner:"o",reason:"r",deadline:"2026-12-01",quarantinedDate:"2026-11-01",signature:"sig1:000000000000",blocks:false}}):l).join("\\n")))' | ${gate} --json v.json -q`,
    );
    expect(forged.code).toBe(1);
    expect(verdict().excused).toEqual([]);
  });

  it('add --from refuses a stream in which the test did not fail, and a bad --signature', () => {
    failing('boom');
    expect(sh(`${merge} 'artifacts/**/*.xml' -q > run.jsonl`).code).toBe(0);
    const passed = sh(
      `${quarantine} add --file p.json --today 2026-11-01 --test 'app.Spec::ok' --owner o --reason r --days 3 --from run.jsonl`,
    );
    expect(passed.code).toBe(2);
    expect(passed.stderr).toMatch(/--from run\.jsonl: "app\.Spec::ok" did not fail in this stream/);
    const bad = sh(
      `${quarantine} add --file p.json --today 2026-11-01 --test 'app.Spec::ok' --owner o --reason r --days 3 --signature abc`,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'quarantine-filter: --signature must be a failure signature like sig1:0a1b2c3d4e5f, got: "abc"\n',
    );
  });
});
