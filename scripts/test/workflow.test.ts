import { describe, expect, it } from 'vitest';
import { itPassesActionlint, loadWorkflow, runGateScript } from './_workflow.js';

// This repository's own gate (.github/workflows/ci.yml): actionlint, and the wiring that
// makes it fail closed.
const { path, workflow } = loadWorkflow('ci.yml');
const { jobs } = workflow;

describe('the ci workflow', () => {
  itPassesActionlint(path);

  it('runs in a merge queue, and cancels superseded pull-request runs only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['merge_group', 'pull_request', 'push']);
    expect(workflow.concurrency['cancel-in-progress']).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
  });

  it('runs every package on every supported Node line as a leg that must upload its JUnit', () => {
    const { strategy, steps } = jobs.test!;
    expect(strategy?.['fail-fast']).toBe(false);
    expect(strategy?.matrix?.node).toEqual([20, 22, 24]);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.['if-no-files-found']).toBe('error');
    expect(Object.values(jobs).every((job) => typeof job['timeout-minutes'] === 'number')).toBe(
      true,
    );
  });

  it('expects exactly the matrix legs in the report, which always runs', () => {
    const matrix = jobs.test!.strategy!.matrix!;
    const legs = (matrix.package as string[])
      .flatMap((p) => (matrix.node as number[]).map((n) => `${p}-node${n}`))
      .sort();
    const report = jobs.report!;
    expect(report.if).toBe('always()');
    const script = report.steps.find((s) => s.id === 'gate')!.run!;
    const expect_ = JSON.parse(/expect='([^']+)'/.exec(script)![1]!) as string[];
    expect([...expect_].sort()).toEqual(legs);
    expect(script).toMatch(
      /junit-merge .*--expect "\$expect"\s*\\\s*\| npx flake-detect .*--record.*\\\s*\| npx quarantine-filter .*\\\s*\| npx gate-verdict /s,
    );
  });

  it('has one gate that always runs, needs every other job, and is red unless all succeeded and the verdict is green', () => {
    const gate = jobs.gate!;
    expect(gate.if).toBe('always()');
    expect([...gate.needs!].sort()).toEqual(
      Object.keys(jobs)
        .filter((j) => j !== 'gate')
        .sort(),
    );
    const step = gate.steps[0]!;
    expect(step.run).toContain('if [ "$result" != "success" ]');
    expect(step.run).toContain('if [ "$VERDICT" != "green" ]');
  });

  it('has a gate that fails on a skipped or cancelled need, run as GitHub would', () => {
    const script = jobs.gate!.steps[0]!.run!;
    const run = (results: string, verdict: string) => runGateScript(script, results, verdict);
    expect(run('success success success', 'green')).toBe(0);
    expect(run('success skipped success', 'green')).toBe(1);
    expect(run('cancelled success success', 'green')).toBe(1);
    expect(run('success success success', 'red')).toBe(1);
    expect(run('success success success', '')).toBe(1);
  });
});
