import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Job, actionlint, loadWorkflow, root, runGateScript } from './_workflow.js';

// The reference pipeline (.github/workflows/submissions.yml): actionlint, and the wiring
// the gate stands on.
const { path, workflow } = loadWorkflow('submissions.yml');
const { jobs } = workflow;
const TEST_JOBS = ['unit', 'integration', 'preview'];
const uploads = (job: Job) =>
  job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
const script = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('the submissions workflow', () => {
  it('passes actionlint', () => {
    const lint = actionlint(path);
    expect(lint.output).toContain('All workflow files passed lint checks');
    expect(lint.status).toBe(0);
  });

  it('runs in a merge queue, and cancels superseded pull-request runs only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['merge_group', 'pull_request', 'push']);
    expect(workflow.concurrency['cancel-in-progress']).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
  });

  it('runs the unit legs as service x supported Node line, fail-fast off, every job with a timeout', () => {
    const { strategy } = jobs.unit!;
    expect(strategy?.['fail-fast']).toBe(false);
    expect(strategy?.matrix).toEqual({ service: ['api', 'worker'], node: [22, 24, 26] });
    for (const [name, job] of Object.entries(jobs))
      expect(job['timeout-minutes'], `${name} timeout`).toBeGreaterThan(0);
  });

  it('uploads every test leg as an artifact named after the leg, failing when there is no JUnit', () => {
    const names = TEST_JOBS.flatMap((job) =>
      uploads(jobs[job]!).map((u) => {
        expect(u.if).toBe('always()');
        expect(u.with?.['if-no-files-found']).toBe('error');
        return String(u.with?.name);
      }),
    );
    expect(names).toEqual([
      'unit-${{ matrix.service }}-node${{ matrix.node }}',
      'integration',
      'e2e',
    ]);
  });

  it('expects exactly the legs the test jobs upload', () => {
    const { service, node } = jobs.unit!.strategy!.matrix! as { service: string[]; node: number[] };
    const legs = [
      ...service.flatMap((s) => node.map((n) => `unit-${s}-node${n}`)),
      'integration',
      'e2e',
    ];
    expect((JSON.parse(workflow.env!.EXPECTED_LEGS!) as string[]).sort()).toEqual(legs.sort());
  });

  it('runs integration and the preview against Postgres and Redis service containers with health checks', () => {
    for (const job of ['integration', 'preview', 'quarantine']) {
      const services = jobs[job]!.services!;
      expect(services.postgres!.image).toMatch(/^postgres:/);
      expect(services.postgres!.options).toContain('--health-cmd "pg_isready');
      expect(services.redis!.image).toMatch(/^redis:/);
      expect(services.redis!.options).toContain('--health-cmd "redis-cli ping"');
    }
    // One retry, whose report in attempt-2/ joins the first as its second attempt.
    expect(script(jobs.integration!)).toMatch(/\|\|\s*eval "TESTGATE_JUNIT=attempt-2\/junit\.xml/);
  });

  it('builds the preview image with a layer cache and waits for /version to report this commit before the smoke', () => {
    const steps = jobs.preview!.steps;
    const build = steps.find((s) => s.uses?.startsWith('docker/build-push-action'))!;
    expect(build.with).toMatchObject({ 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' });
    expect(build.with?.['build-args']).toBe('COMMIT=${{ github.sha }}');
    const wait = steps.findIndex(
      (s) => /\/version/.test(s.run ?? '') && /GITHUB_SHA/.test(s.run ?? ''),
    );
    const smoke = steps.findIndex((s) => /--project e2e/.test(s.run ?? ''));
    expect(wait).toBeGreaterThan(-1);
    expect(smoke).toBeGreaterThan(wait);
  });

  it('caches the pnpm store in the jobs that install', () => {
    for (const job of [...TEST_JOBS, 'report'])
      expect(
        jobs[job]!.steps.some(
          (s) => s.uses?.startsWith('actions/cache') && String(s.with?.path).includes('pnpm/store'),
        ),
        job,
      ).toBe(true);
  });

  it('reports always, through the whole chain, with the history kept between runs', () => {
    const report = jobs.report!;
    expect(report.if).toBe('always()');
    expect([...report.needs!].sort()).toEqual([...TEST_JOBS].sort());
    const gate = report.steps.find((s) => s.id === 'gate')!.run!;
    expect(gate).toMatch(
      /junit-merge 'artifacts\/\*\*\/\*\.xml' --expect "\$EXPECTED_LEGS"\s*\\\s*\| npx flake-detect --history \.testgate\/history --record.*\\\s*\| npx quarantine-filter .*\\\s*\| npx gate-verdict --summary "\$GITHUB_STEP_SUMMARY" --html report\.html/s,
    );
    expect(report.steps.some((s) => s.uses?.startsWith('actions/cache/restore'))).toBe(true);
    expect(report.steps.find((s) => s.uses?.startsWith('actions/cache/save'))?.if).toBe('always()');
    expect(uploads(report)[0]!.with?.path).toContain('report.html');
  });

  it('has one gate that always runs, needs every test job and the report, not the quarantine lane', () => {
    const gate = jobs.gate!;
    expect(gate.if).toBe('always()');
    expect([...gate.needs!].sort()).toEqual([...TEST_JOBS, 'report'].sort());
    const run = (results: string, verdict: string) =>
      runGateScript(gate.steps[0]!.run!, results, verdict);
    expect(run('success success success success', 'green')).toBe(0);
    expect(run('success skipped success success', 'green')).toBe(1);
    expect(run('success success cancelled success', 'green')).toBe(1);
    expect(run('success success success success', 'red')).toBe(1);
    expect(run('success success success success', '')).toBe(1);
  });

  it('runs only the quarantined tests in a lane that never blocks', () => {
    const lane = jobs.quarantine!;
    expect(lane['continue-on-error']).toBe(true);
    expect(script(lane)).toContain(
      'select --file quarantine.json --lane quarantine --runner vitest',
    );
    expect(script(jobs.unit!)).toContain('--lane blocking --runner vitest');
  });
});

describe('the docker-compose file for users with Docker', () => {
  const compose = parse(
    readFileSync(join(root, 'examples/submissions/docker-compose.test.yml'), 'utf8'),
  ) as {
    services: Record<
      string,
      { healthcheck?: unknown; depends_on?: Record<string, { condition: string }> }
    >;
  };

  it('health-checks Postgres and Redis and starts the app only once they are healthy', () => {
    for (const service of ['postgres', 'redis', 'api'])
      expect(compose.services[service]!.healthcheck).toBeDefined();
    for (const app of ['api', 'worker'])
      expect(compose.services[app]!.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
  });
});
