import { resolve } from 'node:path';
import { ExitCode, defineTool, opt, writeFileAtomically } from '@testgate/stream';
import { FORMATS, formatPlan } from './output.js';
import { readPlanFile } from './plan-file.js';
import { describePlan, planFromRequest } from './plan-request.js';
import { secondsOption } from './seconds.js';
import { RUNNERS } from './test-list.js';

const TOOL = 'shard-plan';

/** Runs shard-plan with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `shard-plan --tests LIST (--shards N | --target 4m) [streams...] [options]

Splits the tests a runner lists into shards of equal measured time, from saved run
streams or flake-detect history. List the tests with the runner itself:
  vitest list --filesOnly > tests.txt      jest --listTests > tests.txt
  pytest --collect-only -q > tests.txt     npx playwright test --list > tests.txt
  go test -list . ./... > tests.txt`,
  options: {
    tests: opt.text({ nargs: 1, describe: 'The tests to split: a file, or - for stdin' }),
    runner: opt.oneOf(RUNNERS, {
      default: 'files',
      describe: 'Whose list it is and whose arguments to write',
    }),
    shards: opt.int({ describe: 'Plan this many shards' }),
    target: secondsOption('Plan the fewest shards whose longest fits this time: 4m, 90s, 1h30m'),
    history: opt.texts({
      array: true,
      describe: 'History entries to take timings from (what flake-detect history --export writes)',
    }),
    branch: opt.text({
      describe:
        "Take timings from this branch's runs only, * for all (default: the CI's base branch, else main)",
    }),
    last: opt.int({ default: 10, describe: 'Median over the last N runs that ran a file' }),
    name: opt.text({ default: 'shard', describe: 'Shards are named NAME-1, NAME-2, …' }),
    format: opt.oneOf(FORMATS, {
      default: 'json',
      describe:
        "json: the plan file; github-matrix: a matrix for fromJSON; args: one shard's arguments",
    }),
    shard: opt.int({ describe: 'The shard whose arguments --format args prints' }),
    plan: opt.text({ describe: 'Read this plan file instead of planning' }),
    root: opt.text({ describe: 'The folder test paths are relative to (default: here)' }),
    output: opt.text({ alias: 'o', describe: 'Write to FILE instead of stdout' }),
  },
  examples: [
    [
      'pytest --collect-only -q | $0 --tests - --runner pytest --shards 4 runs/ > plan.json',
      'four shards of pytest node ids from saved runs',
    ],
    [
      '$0 --tests tests.txt --target 4m --history h.jsonl --format github-matrix',
      'the fewest shards of at most four minutes, as a GitHub matrix',
    ],
    ['$0 --plan plan.json --shard 2 --format args', "shard 2's arguments"],
  ],
  epilogue:
    "Timings come only from the base branch's runs unless --branch says otherwise: a pull request cannot skew them. A test with no timing weighs the median of its folder's files, else of the suite.\n\nExit codes: 0 planned, 2 usage error or unusable input.",
  async run(args, io) {
    const plan =
      args.plan !== undefined
        ? await readPlanFile(args.plan, io.cwd)
        : await planFromRequest(
            { ...args, streams: args._, history: args.history ?? [] },
            io,
            TOOL,
          );
    const text = formatPlan(plan, args.format, args.shard);
    if (args.output !== undefined) await writeFileAtomically(resolve(io.cwd, args.output), text);
    else io.stdout.write(text);
    if (args.plan === undefined) io.stderr.write(`${TOOL}: ${describePlan(plan, args.branch)}\n`);
    return ExitCode.ok;
  },
});
