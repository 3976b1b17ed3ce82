import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type CliIo, InputError, UsageError, savedStreamFiles } from '@testgate/stream';
import { type Plan, planShards } from './plan.js';
import { type Runner, readTestList } from './test-list.js';
import { type TimedRun, historyRuns, medianTimings, streamRun } from './timings.js';

/** A plan as the command line asks for it. */
export interface PlanRequest {
  /** The test list: a file, or `-` for stdin. */
  tests: string | undefined;
  runner: Runner;
  shards: number | undefined;
  /** Seconds. */
  target: number | undefined;
  /** Saved run streams, files or folders. */
  streams: string[];
  /** History entry files. */
  history: string[];
  branch: string | undefined;
  last: number;
  name: string;
  root: string | undefined;
}

/** The base branch of the CI run, whose own runs' timings a plan trusts. */
function defaultBranch(env: Record<string, string | undefined>): string {
  return (
    [
      env.GITHUB_BASE_REF,
      env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
      env.BUILDKITE_PULL_REQUEST_BASE_BRANCH,
      env.CI_DEFAULT_BRANCH,
    ].find((b) => b !== undefined && b !== '' && b !== 'false') ?? 'main'
  );
}

/** Reads the list and the timings the request names, and plans. */
export async function planFromRequest(
  request: PlanRequest,
  io: CliIo,
  tool: string,
): Promise<Plan> {
  const { tests: source, shards, target, runner, last } = request;
  if (source === undefined)
    throw new UsageError('--tests is needed: the list of tests to split', `see ${tool} --help`);
  if ((shards === undefined) === (target === undefined))
    throw new UsageError('give one of --shards N and --target TIME', `see ${tool} --help`);
  const root = resolve(io.cwd, request.root ?? '.');
  const text =
    source === '-'
      ? await readAll(io.stdin)
      : await readFile(resolve(io.cwd, source), 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new InputError(`cannot read the test list (${error.code ?? error.message})`, {
            file: source,
          });
        });
  const tests = readTestList(text, runner, root, source);
  const say = (line: string) => io.stderr.write(`${tool}: ${line}\n`);
  const runs = await timedRuns(request.streams, request.history, io.cwd, say);
  const branch = request.branch ?? defaultBranch(io.env);
  const timings = medianTimings(runs, [...new Set(tests.map((t) => t.file))], { branch, last });
  return planShards(tests, timings, { runner, name: request.name, shards, target });
}

async function timedRuns(
  streams: string[],
  histories: string[],
  cwd: string,
  say: (line: string) => void,
): Promise<TimedRun[]> {
  const runs: TimedRun[] = [];
  if (streams.length > 0)
    for (const file of await savedStreamFiles(streams, cwd, say))
      runs.push(await streamRun(createReadStream(resolve(cwd, file)), file));
  for (const file of histories)
    runs.push(...(await historyRuns(createReadStream(resolve(cwd, file)), file)));
  return runs;
}

/** One line on what was planned from what. */
export function describePlan(plan: Plan, branch: string | undefined): string {
  const times = plan.shards.map((s) => s.planned ?? s.units.reduce((sum, u) => sum + u.seconds, 0));
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const max = Math.max(...times);
  const from =
    plan.runs === 0
      ? 'no timings (equal weights: as many files a shard)'
      : `timings of ${plan.runs} run(s) on ${branch ?? 'the base branch'}`;
  const balance = `${mean > 0 ? (max / mean).toFixed(2) : '1.00'}x`;
  return plan.runs === 0
    ? `${plan.shards.length} shard(s) of ${plan.units} unit(s), from ${from}: the largest ${balance} the mean count`
    : `${plan.shards.length} shard(s) of ${plan.units} unit(s), ${plan.estimated} without a timing of their own, from ${from}: longest ${max.toFixed(1)} s, mean ${mean.toFixed(1)} s (${balance})`;
}

async function readAll(input: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of input)
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}
