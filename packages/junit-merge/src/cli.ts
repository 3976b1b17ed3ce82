import yargs from 'yargs';
import {
  type CliIo,
  ExitCode,
  cleanupOnSignal,
  UsageError,
  parseArguments,
  withHouseRules,
  processIo,
  readExpectedLegs,
  runMain,
} from '@testgate/stream';
import { findLegs } from './inputs.js';
import { TOOL } from './merge.js';
import { mergeRun, streamRecords, writeStream } from './merge-run.js';
import { openOutput, writeJunit } from './output.js';
import { MergeTotals } from './summary.js';

interface Args {
  inputs: string[];
  expect?: string | string[];
  leg?: string;
  format: 'ndjson' | 'junit';
  output?: string;
  strict: boolean;
  quiet: boolean;
  commit?: string;
  branch?: string;
  runId?: string;
  runAttempt?: number;
  startedAt?: string;
  maxText: number;
  jobs?: number;
}

const USAGE = `junit-merge [files|globs|-]... [options]

Merge the JUnit XML (and CTRF JSON) of every CI leg into one testgate stream (JSON Lines on stdout).
A file's leg is the first folder below the deepest folder holding all inputs
(artifacts/<leg>/...); a file directly in that folder is a leg named after it.`;

async function parseArgs(argv: string[], io: CliIo): Promise<Args | undefined> {
  const parser = withHouseRules(
    yargs(argv)
      .usage(USAGE)
      .option('expect', {
        type: 'string',
        describe:
          'Legs that must report: a JSON array of names or {name, ...matrix} objects, or a shard-plan plan; inline or a file; may be given more than once',
      })
      .option('leg', { type: 'string', describe: 'Put every input in this one leg' })
      .option('format', {
        choices: ['ndjson', 'junit'] as const,
        default: 'ndjson' as const,
        describe: 'ndjson: the testgate stream; junit: one merged JUnit XML document',
      })
      .option('output', { alias: 'o', type: 'string', describe: 'Write to FILE instead of stdout' })
      .option('strict', {
        type: 'boolean',
        default: false,
        describe: 'Exit 2 on the first unusable report instead of recording a diagnostic',
      })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe: 'Print nothing on stderr but errors that stop the tool',
      })
      .option('commit', {
        type: 'string',
        describe: 'Commit of the run (default: from the CI environment)',
      })
      .option('branch', {
        type: 'string',
        describe: 'Branch of the run (default: from the CI environment)',
      })
      .option('run-id', {
        type: 'string',
        describe: 'CI run id (default: from the CI environment)',
      })
      .option('run-attempt', {
        type: 'number',
        describe: 'Run attempt, 1 for the first (default: from the CI environment)',
      })
      .option('started-at', {
        type: 'string',
        describe:
          "Start of the run, ISO 8601 (default: the earliest of the reports' starts, else now)",
      })
      .option('jobs', {
        alias: 'j',
        type: 'number',
        describe:
          'Worker threads that read legs in parallel (default: one per core, up to 4, for inputs over 8 MiB)',
      })
      .option('max-text', {
        type: 'number',
        default: 65536,
        describe: 'Longest message, trace or output kept per field, in characters',
      })
      .example(
        `$0 'artifacts/**/*.xml' --expect '["api-22","api-24"]' > run.jsonl`,
        'merge every leg, failing closed on a missing one',
      )
      .example('$0 junit.xml --format junit -o merged.xml', 'one merged JUnit file')
      .epilogue('Exit codes: 0 stream written (the gate decides), 2 usage error or unusable input.')
      .strictOptions(),
    TOOL,
  );
  const parsed = await parseArguments(parser, argv, io);
  if (!parsed) return undefined;
  const maxText = parsed.maxText as number;
  if (!Number.isInteger(maxText) || maxText < 1)
    throw new UsageError(
      `--max-text must be a positive whole number, got: ${String(parsed.maxText)}`,
    );
  const jobs = parsed.jobs as number | undefined;
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    throw new UsageError(`--jobs must be a whole number from 1, got: ${String(jobs)}`);
  }
  const attempt = parsed.runAttempt as number | undefined;
  if (attempt !== undefined && (!Number.isInteger(attempt) || attempt < 1))
    throw new UsageError(`--run-attempt must be a whole number from 1, got: ${String(attempt)}`);
  return {
    inputs: (parsed._ as unknown[]).map(String),
    expect: parsed.expect as string | string[] | undefined,
    leg: parsed.leg as string | undefined,
    format: parsed.format as Args['format'],
    output: parsed.output as string | undefined,
    strict: parsed.strict as boolean,
    quiet: parsed.quiet as boolean,
    commit: parsed.commit as string | undefined,
    branch: parsed.branch as string | undefined,
    runId: parsed.runId as string | undefined,
    runAttempt: attempt,
    startedAt: parsed.startedAt as string | undefined,
    maxText,
    jobs,
  };
}

/** Runs junit-merge with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const args = await parseArgs(argv, io);
    if (!args) return ExitCode.ok;
    const startedAt = args.startedAt === undefined ? undefined : checkTimestamp(args.startedAt);
    const expect =
      args.expect === undefined ? undefined : await readExpectedLegs(args.expect, io.cwd);
    const totals = new MergeTotals(args.strict);
    const out = openOutput(args.output, io);
    const release = cleanupOnSignal(() => out.discard());
    try {
      const found = await findLegs(args.inputs, args.leg, io, expect);
      const merged = mergeRun(found, {
        expect,
        maxText: args.maxText,
        jobs: args.jobs,
        run: {
          commit: args.commit,
          branch: args.branch,
          runId: args.runId,
          attempt: args.runAttempt,
          startedAt,
        },
        env: io.env,
        now: io.now,
      });
      const tallied = { run: merged.run, legs: totals.count(merged.legs) };
      if (args.format === 'junit') await writeJunit(streamRecords(tallied), out.stream);
      else await writeStream(tallied, out.stream);
      out.commit();
    } catch (error) {
      out.discard();
      throw error;
    } finally {
      release();
    }
    if (!args.quiet) totals.print(io);
    return ExitCode.ok;
  });
}

function checkTimestamp(value: string): string {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--started-at must be an ISO 8601 timestamp, got: ${JSON.stringify(value)}`,
    );
  }
  return date.toISOString();
}
