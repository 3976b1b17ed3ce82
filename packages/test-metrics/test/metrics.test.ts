import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunSummary, checkRegression } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const tool = `node ${join(root, 'packages/test-metrics/bin.js')}`;
const merge = `node ${join(root, 'packages/junit-merge/bin.js')}`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'test-metrics-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A saved run stream: one leg with the given wall time, its tests split between two suites. */
function saveRun(name: string, day: number, seconds: number, failed = 0, branch = 'main'): void {
  const records: object[] = [
    {
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      branch,
      startedAt: new Date(Date.UTC(2026, 10, 1) + day * 86_400_000).toISOString(),
    },
    {
      type: 'leg',
      name: 'unit',
      status: 'reported',
      files: [],
      counts: { tests: 10, passed: 10 - failed, failed, error: 0, skipped: 0, flaky: 0 },
      duration: seconds,
    },
    ...Array.from({ length: 10 }, (_, n) => ({
      type: 'test',
      id: `s${n % 2}::t${n}`,
      leg: 'unit',
      name: `t${n}`,
      classname: `s${n % 2}`,
      attempts: [{ outcome: n < failed ? 'failed' : 'passed', duration: seconds / 10 }],
      outcome: n < failed ? 'failed' : 'passed',
    })),
  ];
  records.push({ type: 'end', tool: 'junit-merge', records: records.length });
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

describe('export', () => {
  it('writes Prometheus text that promtool accepts, with bounded series per leg', () => {
    const stream = sh(
      `${merge} ${join(root, 'fixtures/junit/pytest/xunit2.xml')} --leg unit --started-at 2026-11-01T10:00:00Z -q > run.jsonl && ${tool} run.jsonl > metrics.prom`,
    );
    expect(stream.code, stream.stderr).toBe(0);
    const text = sh('cat metrics.prom').stdout;
    expect(text).toContain('testgate_leg_tests{leg="unit",outcome="failed"} 3\n');
    expect(text).toContain('testgate_test_duration_seconds_bucket{leg="unit",le="+Inf"} 12\n');
    expect(text).toContain('testgate_run_start_timestamp_seconds 1793527200\n');
    expect(text).not.toMatch(/test_fails_an_assertion/);
    expect(
      existsSync('/usr/bin/promtool'),
      'promtool (Debian package prometheus; npm test installs it)',
    ).toBe(true);
    const check = sh('promtool check metrics < metrics.prom');
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(sh(`${tool} run.jsonl --format openmetrics`).stdout).toMatch(
      /# UNIT testgate_leg_duration_seconds seconds\n[\s\S]*# EOF\n$/,
    );
  });
});

describe('push', () => {
  let gateway: ChildProcess;
  let port = 0;

  beforeAll(async () => {
    port = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => done(free));
      });
    });
    expect(
      existsSync('/usr/bin/prometheus-pushgateway'),
      'prometheus-pushgateway (Debian; npm test installs it)',
    ).toBe(true);
    gateway = spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${port}`], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the Pushgateway did not start');
  }, 20_000);

  afterAll(() => {
    gateway?.kill();
  });

  it('pushes the newest run with a job and the branch as grouping labels, and reads it back', async () => {
    saveRun('older.jsonl', 0, 100);
    saveRun('newer.jsonl', 1, 123);
    const r = sh(`${tool} older.jsonl newer.jsonl --push http://127.0.0.1:${port} --job ci`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `test-metrics: pushed 1 leg(s) of newer.jsonl to http://127.0.0.1:${port}/metrics/job/ci/branch/main\n`,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain(
      'testgate_leg_duration_seconds{branch="main",instance="",job="ci",leg="unit"} 123',
    );
    expect(metrics).toContain(
      'testgate_leg_tests{branch="main",instance="",job="ci",leg="unit",outcome="passed"} 10',
    );
  });

  it('exits 2 when the Pushgateway cannot be reached', () => {
    const r = sh(`${tool} newer.jsonl --push http://127.0.0.1:1`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^test-metrics: cannot reach the Pushgateway at http:\/\/127.0.0.1:1/);
  });

  it('keeps a branch named "..", "." or with a slash as its own group (base64 in the path)', async () => {
    for (const [n, branch] of ['..', '.', 'feature/x'].entries()) {
      saveRun(`dots-${n}.jsonl`, n, 200 + n, 0, branch);
      const r = sh(`${tool} dots-${n}.jsonl --push http://127.0.0.1:${port} --job dots`);
      expect(r.code, r.stderr).toBe(0);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const [n, branch] of ['..', '.', 'feature/x'].entries())
      expect(metrics).toContain(
        `testgate_leg_duration_seconds{branch="${branch}",instance="",job="dots",leg="unit"} ${200 + n}`,
      );
  });

  it('never prints the password or token of a --push URL', () => {
    const r = sh(`${tool} newer.jsonl --push 'http://user:s3cret@127.0.0.1:1/?token=abc123'`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /cannot reach the Pushgateway at http:\/\/user:\*\*\*@127\.0\.0\.1:1\/\?token=\*\*\*/,
    );
    expect(r.stderr).not.toMatch(/s3cret|abc123/);
  });
});

describe('inputs', () => {
  it('reads regular files only: a named FIFO is refused and one in a folder skipped, never waited on', () => {
    saveRun('saved/a.jsonl', 0, 100);
    execFileSync('mkfifo', [join(dir, 'saved/pipe.jsonl')]);
    execFileSync('mkfifo', [join(dir, 'named.jsonl')]);
    const named = sh(`${tool} named.jsonl`);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/^test-metrics: named\.jsonl: not a regular file/);
    const folder = sh(`${tool} saved`);
    expect(folder.code).toBe(0);
    expect(folder.stderr).toContain('test-metrics: skipped saved/pipe.jsonl: not a regular file\n');
  });
});

describe('regression check', () => {
  const noise = (n: number) =>
    [0.93, 1.05, 0.97, 1.08, 0.95, 1.02, 0.99, 1.06, 0.94, 1.01][n % 10]!;

  it('catches a step change, naming the leg, both medians and run counts', () => {
    for (let day = 0; day < 14; day++)
      saveRun(
        `step-${String(day).padStart(2, '0')}.jsonl`,
        day,
        (day < 7 ? 100 : 130) * noise(day),
      );
    const r = sh(
      `mkdir -p step && mv step-*.jsonl step/ && ${tool} step --check-regression --window 7d --threshold 20% --min-runs 5`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'REGRESSED leg unit: median 99 s over 7 runs -> 131.3 s over 7 runs (+33%)\n',
    );
    expect(r.stderr).toMatch(
      /^test-metrics: 3 median duration\(s\) rose more than 20%: leg unit, suite s0 in leg unit, suite s1 in leg unit\n$/,
    );
  });

  it('lets a stable but noisy history pass', () => {
    for (let day = 0; day < 14; day++)
      saveRun(`noisy-${String(day).padStart(2, '0')}.jsonl`, day, 100 * noise(day * 3 + 1));
    const r = sh(
      `mkdir -p noisy && mv noisy-*.jsonl noisy/ && ${tool} noisy --check-regression --window 7d --threshold 20% --min-runs 5`,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok {8}leg unit: median/);
  });

  const summary = (day: number, seconds: number, failed = 0): RunSummary => ({
    source: `d${day}`,
    startedAt: new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString(),
    branch: 'main',
    commit: undefined,
    legs: new Map([
      [
        'unit',
        {
          name: 'unit',
          wall: seconds,
          testTime: seconds,
          outcomes: { passed: 10 - failed, failed, error: 0, skipped: 0, flaky: 0 },
          quarantined: 0,
          buckets: [],
          suites: new Map(),
        },
      ],
    ]),
  });
  const week = 7 * 86_400_000;

  it('leaves out runs a mass failure cut short, and needs --min-runs in both windows', () => {
    const runs = [
      ...Array.from({ length: 7 }, (_, d) => summary(d, 100)),
      ...Array.from({ length: 7 }, (_, d) => summary(d + 7, 20, 8)),
    ];
    expect(checkRegression(runs, { window: week, threshold: 0.2, minRuns: 5 })).toEqual([]);
    const few = [summary(0, 100), summary(1, 100), summary(8, 200)];
    expect(checkRegression(few, { window: week, threshold: 0.2, minRuns: 2 })).toEqual([]);
  });

  it('counts one vote per run, however long a value would sit in a Pushgateway', () => {
    const runs = [
      summary(0, 100),
      summary(1, 100),
      summary(2, 100),
      summary(8, 100),
      summary(13, 150),
      summary(13.5, 150),
    ];
    const [leg] = checkRegression(runs, { window: week, threshold: 0.2, minRuns: 3 });
    expect(leg).toMatchObject({
      subject: 'leg unit',
      before: { median: 100, runs: 3 },
      recent: { median: 150, runs: 3 },
      regressed: true,
    });
  });
});
