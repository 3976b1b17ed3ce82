import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  type Job,
  itPassesActionlint,
  evaluateIf,
  loadWorkflow,
  root,
  runGateScript,
} from './_workflow.js';

// The reference pipeline (.github/workflows/submissions.yml): actionlint, and the wiring
// the gate stands on.
const { path, workflow } = loadWorkflow('submissions.yml');
const { jobs } = workflow;
const TEST_JOBS = ['unit', 'integration', 'preview'];
// The jobs the report and the gate need: the plan and the test jobs.
const NEEDED = ['plan', ...TEST_JOBS];
const uploads = (job: Job) =>
  job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact'));
const script = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('the submissions workflow', () => {
  itPassesActionlint(path);

  it('runs in a merge queue, and cancels superseded pull-request runs only', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['merge_group', 'pull_request', 'push']);
    expect(workflow.concurrency['cancel-in-progress']).toBe(
      "${{ github.event_name == 'pull_request' }}",
    );
  });

  it('runs the unit legs as planned shard x supported Node line, fail-fast off, every job with a timeout', () => {
    const { strategy } = jobs.unit!;
    expect(strategy?.['fail-fast']).toBe(false);
    expect(strategy?.matrix).toEqual({
      node: [22, 24, 26],
      shard: '${{ fromJSON(needs.plan.outputs.shards) }}',
    });
    expect(jobs.unit!.needs).toBe('plan');
    // The shard's arguments reach the shell through the environment, never pasted into it.
    const run = jobs.unit!.steps.find((s) => s.env?.SHARD_ARGS !== undefined)!;
    expect(run.env!.SHARD_ARGS).toBe('${{ matrix.shard.args }}');
    expect(run.run).not.toContain('${{');
    for (const [name, job] of Object.entries(jobs))
      expect(job['timeout-minutes'], `${name} timeout`).toBeGreaterThan(0);
  });

  it('uploads every test leg as an artifact named after the leg, failing when there is no JUnit', () => {
    // The legs' reports (the preview also keeps its image for promote).
    const reports = (job: Job) => uploads(job).filter((u) => u.with?.name !== 'preview-image');
    const names = TEST_JOBS.flatMap((job) =>
      reports(jobs[job]!).map((u) => {
        expect(u.if).toBe('always()');
        expect(u.with?.['if-no-files-found']).toBe('error');
        return String(u.with?.name);
      }),
    );
    expect(names).toEqual([
      'unit-node${{ matrix.node }}-${{ matrix.shard.index }}',
      'integration',
      'e2e',
    ]);
  });

  it("expects exactly the legs the test jobs upload: the plan's shards on every Node line, and the others", () => {
    // The plan step, run on a plan shard-plan wrote for three files: the legs it expects.
    const step = jobs.plan!.steps.find((s) => s.id === 'plan')!.run!;
    const jq = /^\s*(jq -c .*unit-legs\.json)$/m.exec(step)![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    try {
      writeFileSync(join(dir, 'tests.txt'), 'a.test.ts\nb.test.ts\nc.test.ts\n');
      const plan = spawnSync(
        process.execPath,
        [
          join(root, 'packages/shard-plan/bin.js'),
          '--tests',
          'tests.txt',
          '--shards',
          '2',
          '--name',
          'unit',
          '-o',
          'plan.json',
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(plan.status, plan.stderr).toBe(0);
      expect(spawnSync('bash', ['-c', jq], { cwd: dir }).status).toBe(0);
      const legs = JSON.parse(readFileSync(join(dir, 'unit-legs.json'), 'utf8')) as Array<{
        name: string;
        planned: number;
      }>;
      const { node } = jobs.unit!.strategy!.matrix! as { node: number[] };
      expect(legs.map((l) => l.name).sort()).toEqual(
        node.flatMap((n) => [1, 2].map((i) => `unit-node${n}-${i}`)).sort(),
      );
      // Planned with no recorded run: no time planned, and none written.
      expect(legs.every((l) => l.planned === undefined)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(JSON.parse(workflow.env!.EXPECTED_LEGS!)).toEqual(['integration', 'e2e']);
    const gate = jobs.report!.steps.find((s) => s.id === 'gate')!.run!;
    expect(gate).toContain(
      '--expect "$EXPECTED_LEGS" --expect artifacts/shard-plan/unit-legs.json',
    );
    // A cold cache plans anyway: the runs folder is passed only when it holds a run.
    expect(step).toMatch(/compgen -G '\.testgate\/runs\/\*\.jsonl'/);
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
    for (const job of [...NEEDED, 'report'])
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
    expect([...report.needs!].sort()).toEqual([...NEEDED].sort());
    const gate = report.steps.find((s) => s.id === 'gate')!.run!;
    expect(gate).toMatch(
      /junit-merge 'artifacts\/\*\*\/\*\.xml' --expect "\$EXPECTED_LEGS" --expect \S+\s*\\\s*\| tee "\.testgate\/runs\/\$GITHUB_RUN_ID-\$GITHUB_RUN_ATTEMPT\.jsonl"\s*\\\s*\| npx flake-detect --history \.testgate\/history --record.*\\\s*\| npx quarantine-filter .*\\\s*\| npx gate-verdict --summary "\$GITHUB_STEP_SUMMARY" --html report\.html/s,
    );
    expect(report.steps.some((s) => s.uses?.startsWith('actions/cache/restore'))).toBe(true);
    expect(report.steps.find((s) => s.uses?.startsWith('actions/cache/save'))?.if).toBe('always()');
    expect(uploads(report)[0]!.with?.path).toContain('report.html');
  });

  it('has one gate that always runs, needs every test job and the report, not the quarantine lane', () => {
    const gate = jobs.gate!;
    expect(gate.if).toBe('always()');
    expect([...gate.needs!].sort()).toEqual([...NEEDED, 'report'].sort());
    const run = (results: string, verdict: string) =>
      runGateScript(gate.steps[0]!.run!, results, verdict);
    expect(run('success success success success success', 'green')).toBe(0);
    // A failed plan skips the unit legs: red.
    expect(run('failure skipped success success success', 'green')).toBe(1);
    expect(run('success skipped success success success', 'green')).toBe(1);
    expect(run('success success cancelled success success', 'green')).toBe(1);
    expect(run('success success success success success', 'red')).toBe(1);
    expect(run('success success success success success', '')).toBe(1);
  });

  it('promotes on main only, after a gate that passed, and never after a skipped, failed or cancelled one', () => {
    const promote = jobs.promote!;
    expect([...promote.needs!].sort()).toEqual(['gate', 'preview']);
    const main = {
      'github.event_name': 'push',
      'github.ref': 'refs/heads/main',
      'needs.gate.result': 'success',
    };
    const runs = (values: Record<string, string>, status = {}) =>
      evaluateIf(promote.if!, {
        values: { ...main, ...values },
        failed: false,
        cancelled: false,
        ...status,
      });
    expect(runs({})).toBe(true);
    expect(runs({ 'github.event_name': 'pull_request' })).toBe(false);
    expect(runs({ 'github.event_name': 'merge_group' })).toBe(false);
    expect(runs({ 'github.ref': 'refs/heads/feature' })).toBe(false);
    expect(runs({ 'needs.gate.result': 'skipped' })).toBe(false);
    expect(runs({ 'needs.gate.result': 'failure' }, { failed: true })).toBe(false);
    expect(runs({}, { cancelled: true })).toBe(false);
    // The evaluator reads the gate's condition as GitHub does too.
    expect(evaluateIf(jobs.gate!.if!, { values: {}, failed: true, cancelled: false })).toBe(true);
  });

  it('promotes the image the preview built and smoked, by its id, with packages: write on that job only', () => {
    const promote = jobs.promote!;
    expect(jobs.preview!.outputs?.['image-id']).toBe('${{ steps.build.outputs.imageid }}');
    expect(jobs.preview!.steps.find((s) => s.id === 'build')?.uses).toMatch(
      /^docker\/build-push-action@/,
    );
    expect(uploads(jobs.preview!).map((s) => s.with?.name)).toContain('preview-image');
    expect(script(promote)).not.toMatch(/docker build|buildx/);
    expect(promote.steps.some((s) => s.uses?.startsWith('docker/build-push-action'))).toBe(false);
    expect(promote.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(jobs))
      if (name !== 'promote') expect(job.permissions?.packages).toBeUndefined();
    expect(script(promote)).toContain('>> "$GITHUB_STEP_SUMMARY"');

    // The check, run with a stand-in docker whose loaded image has the id sha256:built.
    const check = promote.steps.find((s) => s.env?.IMAGE_ID !== undefined)!;
    expect(check.env!.IMAGE_ID).toBe('${{ needs.preview.outputs.image-id }}');
    const bin = mkdtempSync(join(tmpdir(), 'promote-'));
    try {
      writeFileSync(
        join(bin, 'docker'),
        '#!/bin/sh\ncase "$1" in load) cat > /dev/null ;; image) echo sha256:built ;; esac\n',
      );
      chmodSync(join(bin, 'docker'), 0o755);
      writeFileSync(join(bin, 'preview-image.tar.gz'), 'an image');
      const run = (imageId: string) =>
        spawnSync('bash', ['-e', '-c', check.run!], {
          cwd: bin,
          env: { PATH: `${bin}:${process.env.PATH}`, IMAGE_ID: imageId, GITHUB_SHA: 'abc' },
        }).status;
      expect(run('sha256:built')).toBe(0);
      expect(run('sha256:another')).toBe(1);
      expect(run('')).toBe(1);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
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
