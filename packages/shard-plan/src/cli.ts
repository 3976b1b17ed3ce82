import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  type CliIo,
  ExitCode,
  InputError,
  UsageError,
  parseArguments,
  processIo,
  runMain,
  savedStreamFiles,
  withHouseRules,
  writeFileAtomically,
} from '@testgate/stream';
import { FORMATS, type Format, formatPlan } from './output.js';
import { type Plan, planShards } from './plan.js';
import { readPlanFile } from './plan-file.js';
import { RUNNERS, type Runner, readTestList } from './test-list.js';
import { type TimedRun, historyRuns, medianTimings, streamRun } from './timings.js';
import { parseSeconds } from './seconds.js';

const TOOL = 'shard-plan';

const USAGE = `shard-plan --tests LIST (--shards N | --target 4m) [streams...] [options]

Splits the tests a runner lists into shards of equal measured time, from saved run
streams or flake-detect history. List the tests with the runner itself:
  vitest list --filesOnly > tests.txt      jest --listTests > tests.txt
  pytest --collect-only -q > tests.txt     npx playwright test --list > tests.txt
  go test -list . ./... > tests.txt`;

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

/** Runs shard-plan with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const parser = withHouseRules(
      yargs(argv)
        .usage(USAGE)
        .option('tests', {
          type: 'string',
          nargs: 1, // so that `--tests -` is stdin, not an empty value and a positional `-`
          describe: 'The tests to split: a file, or - for stdin',
        })
        .option('runner', {
          choices: RUNNERS,
          default: 'files' as Runner,
          describe: 'Whose list it is and whose arguments to write',
        })
        .option('shards', { type: 'number', describe: 'Plan this many shards' })
        .option('target', {
          type: 'string',
          describe: 'Plan the fewest shards whose longest fits this time: 4m, 90s, 1h30m',
        })
        .option('history', {
          type: 'string',
          array: true,
          describe:
            'History entries to take timings from (what flake-detect history --export writes)',
        })
        .option('branch', {
          type: 'string',
          describe:
            "Take timings from this branch's runs only, * for all (default: the CI's base branch, else main)",
        })
        .option('last', {
          type: 'number',
          default: 10,
          describe: 'Median over the last N runs that ran a file',
        })
        .option('name', {
          type: 'string',
          default: 'shard',
          describe: 'Shards are named NAME-1, NAME-2, …',
        })
        .option('format', {
          choices: FORMATS,
          default: 'json' as Format,
          describe:
            "json: the plan file; github-matrix: a matrix for fromJSON; args: one shard's arguments",
        })
        .option('shard', {
          type: 'number',
          describe: 'The shard whose arguments --format args prints',
        })
        .option('plan', { type: 'string', describe: 'Read this plan file instead of planning' })
        .option('root', {
          type: 'string',
          describe: 'The folder test paths are relative to (default: here)',
        })
        .option('output', {
          alias: 'o',
          type: 'string',
          describe: 'Write to FILE instead of stdout',
        })
        .example(
          'pytest --collect-only -q | $0 --tests - --runner pytest --shards 4 runs/ > plan.json',
          'four shards of pytest node ids from saved runs',
        )
        .example(
          '$0 --tests tests.txt --target 4m --history h.jsonl --format github-matrix',
          'the fewest shards of at most four minutes, as a GitHub matrix',
        )
        .example('$0 --plan plan.json --shard 2 --format args', "shard 2's arguments")
        .epilogue(
          "Timings come only from the base branch's runs unless --branch says otherwise: a pull request cannot skew them. A test with no timing weighs the median of its folder's files, else of the suite.\n\nExit codes: 0 planned, 2 usage error or unusable input.",
        )
        .strictOptions(),
      TOOL,
    );
    const args = await parseArguments(parser, argv, io);
    if (!args) return ExitCode.ok;
    const format = args.format as Format;
    const shard = positiveWhole(args.shard, '--shard');
    const plan =
      args.plan !== undefined
        ? await readPlanFile(args.plan as string, io.cwd)
        : await planFromArguments(args, io);
    const text = formatPlan(plan, format, shard);
    if (args.output !== undefined)
      await writeFileAtomically(resolve(io.cwd, args.output as string), text);
    else io.stdout.write(text);
    if (args.plan === undefined) io.stderr.write(`${TOOL}: ${describePlan(plan, args)}\n`);
    return ExitCode.ok;
  });
}

async function planFromArguments(args: Record<string, unknown>, io: CliIo): Promise<Plan> {
  if (args.tests === undefined)
    throw new UsageError('--tests is needed: the list of tests to split', `see ${TOOL} --help`);
  const shards = positiveWhole(args.shards, '--shards');
  const target =
    args.target === undefined ? undefined : parseSeconds(args.target as string, '--target');
  if ((shards === undefined) === (target === undefined))
    throw new UsageError('give one of --shards N and --target TIME', `see ${TOOL} --help`);
  const last = positiveWhole(args.last, '--last')!;
  const runner = args.runner as Runner;
  const root = resolve(io.cwd, (args.root as string | undefined) ?? '.');
  const source = args.tests as string;
  const text =
    source === '-'
      ? await readAll(io.stdin)
      : await readFile(resolve(io.cwd, source), 'utf8').catch((error: NodeJS.ErrnoException) => {
          throw new InputError(`cannot read the test list (${error.code ?? error.message})`, {
            file: source,
          });
        });
  const tests = readTestList(text, runner, root, source);
  const runs = await timedRuns(
    (args._ as unknown[]).map(String),
    (args.history as string[] | undefined) ?? [],
    io,
  );
  const branch = (args.branch as string | undefined) ?? defaultBranch(io.env);
  const timings = medianTimings(runs, [...new Set(tests.map((t) => t.file))], { branch, last });
  return planShards(tests, timings, {
    runner,
    name: args.name as string,
    shards,
    target,
  });
}

async function timedRuns(streams: string[], histories: string[], io: CliIo): Promise<TimedRun[]> {
  const runs: TimedRun[] = [];
  if (streams.length > 0) {
    const files = await savedStreamFiles(streams, io.cwd, (line) =>
      io.stderr.write(`${TOOL}: ${line}\n`),
    );
    for (const file of files)
      runs.push(await streamRun(createReadStream(resolve(io.cwd, file)), file));
  }
  for (const file of histories)
    runs.push(...(await historyRuns(createReadStream(resolve(io.cwd, file)), file)));
  return runs;
}

function describePlan(plan: Plan, args: Record<string, unknown>): string {
  const times = plan.shards.map((s) => s.planned ?? s.units.reduce((sum, u) => sum + u.seconds, 0));
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const max = Math.max(...times);
  const from =
    plan.runs === 0
      ? 'no timings (equal weights: as many files a shard)'
      : `timings of ${plan.runs} run(s) on ${(args.branch as string | undefined) ?? 'the base branch'}`;
  const balance = `${mean > 0 ? (max / mean).toFixed(2) : '1.00'}x`;
  return plan.runs === 0
    ? `${plan.shards.length} shard(s) of ${plan.units} unit(s), from ${from}: the largest ${balance} the mean count`
    : `${plan.shards.length} shard(s) of ${plan.units} unit(s), ${plan.estimated} without a timing of their own, from ${from}: longest ${max.toFixed(1)} s, mean ${mean.toFixed(1)} s (${balance})`;
}

function positiveWhole(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new UsageError(`${flag} must be a whole number from 1, got: ${String(value)}`);
  return value;
}

async function readAll(input: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of input)
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}
