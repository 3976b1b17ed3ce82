import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itPassesActionlint, loadWorkflow, root } from './_workflow.js';

// The privileged half of the pull-request report (.github/workflows/submissions-report.yml):
// actionlint, the wiring that keeps the pull request's code out of it, and the manifest
// check that refuses files of another run, attempt or head, run against real files.
const { path, workflow } = loadWorkflow('submissions-report.yml');
const report = workflow.jobs.report!;
const tests = loadWorkflow('submissions.yml').workflow.jobs.report!;
const manifest = join(root, 'scripts/report-manifest.mjs');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-manifest-'));
  mkdirSync(join(dir, 'pr-report/artifacts/unit'), { recursive: true });
  writeFileSync(join(dir, 'pr-report/artifacts/unit/junit.xml'), '<testsuite name="s"/>');
  writeFileSync(join(dir, 'pr-report/legs.json'), '["unit"]');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]) {
  const r = spawnSync(process.execPath, [manifest, command, 'pr-report', ...args], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: r.status, stderr: r.stderr };
}
const THIS_RUN = ['--run', '7001', '--attempt', '2', '--sha', 'abc123'];

describe('the pull-request report workflow', () => {
  itPassesActionlint(path);

  it("runs after the test workflow with the write token, and never checks out the pull request's code", () => {
    expect(workflow.on).toEqual({
      workflow_run: { workflows: ['submissions'], types: ['completed'] },
    });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(report.permissions).toEqual({
      actions: 'read',
      checks: 'write',
      'pull-requests': 'write',
    });
    expect(report.if).toBe("github.event.workflow_run.event == 'pull_request'");
    const checkouts = report.steps.filter((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkouts).toEqual([
      { uses: 'actions/checkout@v4', with: { 'persist-credentials': false } },
    ]);
    const steps = report.steps.map((s) => s.run ?? '').join('\n');
    expect(steps).not.toMatch(/npm (ci|install)|pnpm|npm run|vitest|pr-report\/.*\.(m?js|sh)\b/);
    const env = (report as { env?: Record<string, string> }).env!;
    expect(env).toMatchObject({
      RUN: '${{ github.event.workflow_run.id }}',
      ATTEMPT: '${{ github.event.workflow_run.run_attempt }}',
      SHA: '${{ github.event.workflow_run.head_sha }}',
    });
    // The files are checked before anything reads them.
    const verify = report.steps.findIndex((s) => s.run?.includes('report-manifest.mjs verify'));
    const merge = report.steps.findIndex((s) => s.run?.includes('junit-merge'));
    expect(verify).toBeGreaterThan(-1);
    expect(merge).toBeGreaterThan(verify);
  });

  it('gets its files from the read-only test run, with their manifest', () => {
    const hand = tests.steps.find((s) => s.run?.includes('report-manifest.mjs write'))!;
    expect(hand.if).toBe("always() && github.event_name == 'pull_request'");
    expect(hand.env!.HEAD_SHA).toBe('${{ github.event.pull_request.head.sha }}');
    expect(hand.run).toContain('--run "$GITHUB_RUN_ID" --attempt "$GITHUB_RUN_ATTEMPT"');
    expect(hand.run).toContain('cp verdict.json pr-report/');
    expect(hand.run).toContain('cp -r artifacts pr-report/artifacts');
    const upload = tests.steps.find((s) => s.with?.name === 'testgate-pr-report')!;
    expect(upload.with?.path).toBe('pr-report');
  });
});

describe('report-manifest', () => {
  it('accepts the files it was written for', () => {
    expect(run('write', THIS_RUN).code).toBe(0);
    expect(run('verify', THIS_RUN)).toEqual({ code: 0, stderr: '' });
  });

  it('refuses files made for another run, attempt or head', () => {
    run('write', THIS_RUN);
    const other = run('verify', ['--run', '7001', '--attempt', '3', '--sha', 'def456']);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe(
      'report-manifest: refused: the manifest is for attempt "2", this report is for "3"\n' +
        'report-manifest: refused: the manifest is for sha "abc123", this report is for "def456"\n',
    );
  });

  it('refuses a file changed, added or removed since the manifest', () => {
    run('write', THIS_RUN);
    writeFileSync(join(dir, 'pr-report/artifacts/unit/junit.xml'), '<testsuite name="t"/>');
    writeFileSync(join(dir, 'pr-report/artifacts/unit/extra.xml'), '<testsuite name="x"/>');
    rmSync(join(dir, 'pr-report/legs.json'));
    const r = run('verify', THIS_RUN);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual([
      'report-manifest: refused: artifacts/unit/extra.xml: not in the manifest',
      'report-manifest: refused: artifacts/unit/junit.xml: changed since the manifest',
      'report-manifest: refused: legs.json: listed in the manifest, missing',
    ]);
  });

  it('refuses a folder without a manifest', () => {
    const r = run('verify', THIS_RUN);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/testgate-manifest\.json: cannot read the manifest \(ENOENT\)/);
  });
});
