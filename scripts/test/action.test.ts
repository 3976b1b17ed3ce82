import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The composite Action, run as GitHub runs its step: action/run.sh with the inputs as the
// TESTGATE_* variables action.yml sets and GitHub's own variables, on this checkout's builds.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'testgate-action-'));
  for (const [leg, cases] of [
    ['api-node22', '<testcase classname="api" name="ok"/>'],
    [
      'api-node24',
      '<testcase classname="api" name="ok"/><testcase classname="api" name="flaky" file="src/api.test.ts" line="7"><failure message="timeout"/></testcase>',
    ],
  ]) {
    mkdirSync(join(dir, 'artifacts', leg!), { recursive: true });
    writeFileSync(
      join(dir, 'artifacts', leg!, 'junit.xml'),
      `<testsuite name="s">${cases}</testsuite>`,
    );
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runAction(inputs: Record<string, string>) {
  writeFileSync(join(dir, 'summary.md'), '');
  writeFileSync(join(dir, 'output.txt'), '');
  const r = spawnSync('bash', [join(root, 'action/run.sh')], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'abc123',
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ID: '7',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      GITHUB_OUTPUT: join(dir, 'output.txt'),
      TESTGATE_FROM: root,
      ...inputs,
    },
  });
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    summary: readFileSync(join(dir, 'summary.md'), 'utf8'),
    output: readFileSync(join(dir, 'output.txt'), 'utf8'),
  };
}

describe('the testgate Action', () => {
  it('declares, for every input, the variable its step reads', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      runs: { steps: Array<{ env: Record<string, string> }> };
    };
    const env = action.runs.steps[0]!.env;
    expect(Object.values(env).sort()).toEqual(
      Object.keys(action.inputs)
        .map((i) => `\${{ inputs.${i} }}`)
        .sort(),
    );
    const script = readFileSync(join(root, 'action/run.sh'), 'utf8');
    for (const name of Object.keys(env)) expect(script).toContain(name);
  });

  it('is red on a failure, with the summary, an annotation on the line and the verdict output', () => {
    const r = runAction({ TESTGATE_EXPECT: '["api-node22","api-node24"]' });
    expect(r.code).toBe(1);
    expect(r.output).toBe('verdict=red\n');
    expect(r.summary).toMatch(/^## ❌ Test gate: red/);
    expect(r.stdout).toContain(
      '::error file=src/api.test.ts,line=7,title=failed%3A api%3A%3Aflaky::api::flaky (api-node24)%0Atimeout\n',
    );
    expect(readFileSync(join(dir, 'testgate-report.html'), 'utf8')).toContain('Test gate: red');
    // No ledger is an empty one, said once, as the CLI says it.
    const notice =
      'quarantine-filter: no ledger at quarantine.json: nothing is quarantined (an empty ledger is { "quarantined": [] })\n';
    expect(r.stderr.split(notice)).toHaveLength(2);
  });

  it('is green once the failure is quarantined, and red again for a missing leg', () => {
    writeFileSync(
      join(dir, 'quarantine.json'),
      JSON.stringify({
        quarantined: [
          {
            test: 'api::flaky',
            reason: 'timing',
            owner: 'team-api',
            quarantinedDate: '2026-11-01',
            deadline: '2099-01-01',
          },
        ],
      }),
    );
    const green = runAction({ TESTGATE_EXPECT: '["api-node22","api-node24"]' });
    expect(green.code, green.stderr).toBe(0);
    expect(green.output).toBe('verdict=green\n');
    expect(green.summary).toContain('### Quarantined (1)');
    const missing = runAction({ TESTGATE_EXPECT: '["api-node22","api-node24","worker-node22"]' });
    expect(missing.code).toBe(1);
    expect(missing.summary).toContain('expected leg "worker-node22" has no report');
  });
});

describe('the testgate Action with a flake history', () => {
  it('records each run, and shows a failure that passed on a rerun of the same commit as flaky', () => {
    const history = {
      TESTGATE_HISTORY: '.testgate/history',
      TESTGATE_EXPECT: '["api-node22","api-node24"]',
    };
    const first = runAction(history);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /flake-detect: 2 tests \(3 results in 2 leg\(s\)\), one label per test: .*this run recorded/,
    );
    // The rerun of the same commit (GITHUB_RUN_ATTEMPT 2): the test passes now.
    writeFileSync(
      join(dir, 'artifacts/api-node24/junit.xml'),
      '<testsuite name="s"><testcase classname="api" name="ok"/><testcase classname="api" name="flaky"/></testsuite>',
    );
    const rerun = runAction({ ...history, GITHUB_RUN_ATTEMPT: '2' });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(
      /flake-detect: 2 tests \(3 results in 2 leg\(s\)\), one label per test: 1 flaky/,
    );
  });

  it('leaves flake detection out without a history', () => {
    const r = runAction({ TESTGATE_EXPECT: '["api-node22","api-node24"]' });
    expect(r.stderr).not.toContain('flake-detect');
  });
});
