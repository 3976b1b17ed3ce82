import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestgateRecord } from '@testgate/stream';
import { memoryIo } from '../../../test-support/memory-io.js';
import { main } from '../src/cli.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const flakeDetect = join(root, 'packages/flake-detect/bin.js');

export interface RunSpec {
  commit?: string;
  run: string;
  attempt?: number;
  branch?: string;
  startedAt: string;
  /** leg -> test id -> outcome */
  legs: Record<string, Record<string, 'passed' | 'failed' | 'error' | 'skipped' | 'flaky'>>;
}

/** A testgate stream for one run, the shape junit-merge writes. */
export function stream(spec: RunSpec): string {
  const records: object[] = [
    {
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      ci: 'github',
      ...(spec.commit ? { commit: spec.commit } : {}),
      ...(spec.branch ? { branch: spec.branch } : {}),
      runId: spec.run,
      attempt: spec.attempt ?? 1,
      startedAt: spec.startedAt,
    },
  ];
  let count = 1;
  for (const [leg, tests] of Object.entries(spec.legs)) {
    records.push({
      type: 'leg',
      name: leg,
      status: 'reported',
      files: [`${leg}/junit.xml`],
      counts: legCounts(Object.values(tests)),
    });
    count++;
    for (const [id, outcome] of Object.entries(tests)) {
      const attempts =
        outcome === 'flaky'
          ? [
              { outcome: 'failed', duration: 0.1, message: 'timeout' },
              { outcome: 'passed', duration: 0.1 },
            ]
          : [{ outcome, duration: 0.1 }];
      records.push({ type: 'test', id, leg, name: id, classname: 'spec', attempts, outcome });
      count++;
    }
  }
  records.push({ type: 'end', tool: 'junit-merge', records: count });
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** A leg record's counts of its tests' outcomes. */
export function legCounts(outcomes: string[]) {
  const n = (o: string) => outcomes.filter((x) => x === o).length;
  return {
    tests: outcomes.length,
    passed: n('passed'),
    failed: n('failed'),
    error: n('error'),
    skipped: n('skipped'),
    flaky: n('flaky'),
  };
}

export interface Result {
  code: number | null;
  records: TestgateRecord[];
  stdout: string;
  stderr: string;
}

function parseRecords(stdout: string): TestgateRecord[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TestgateRecord);
}

/** Runs flake-detect in this process with `input` on stdin, on the real clock. */
export async function runFlakeDetect(args: string[], input: string, cwd: string): Promise<Result> {
  const { io, stdout, stderr } = memoryIo({ stdin: input, cwd });
  io.now = () => new Date();
  const code = await main(args, io);
  return { code, records: parseRecords(stdout()), stdout: stdout(), stderr: stderr() };
}

/** Runs the built flake-detect in a process of its own with `input` on stdin. */
export function spawnFlakeDetect(
  args: string[],
  input: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [flakeDetect, ...args], {
      cwd,
      env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => {
      done({ code, records: parseRecords(stdout), stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** The flake verdicts of a result, by test id (first leg wins). */
export function statuses(result: Result): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of result.records) if (r.type === 'test' && r.flake) out[r.id] ??= r.flake.status;
  return out;
}

export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString();
}
