import { ExitCode, defineTool, opt, readExpectedLegs } from '@testgate/stream';
import { findLegs } from './inputs.js';
import { TOOL } from './merge.js';
import { mergeRun, streamRecords, writeStream } from './merge-run.js';
import { intoOutput, writeJunit } from './output.js';
import { MergeTotals } from './summary.js';

/** Runs junit-merge with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `junit-merge [files|globs|-]... [options]

Merge the JUnit XML (and CTRF JSON) of every CI leg into one testgate stream (JSON Lines on stdout).
A file's leg is the first folder below the deepest folder holding all inputs
(artifacts/<leg>/...); a file directly in that folder is a leg named after it.`,
  options: {
    expect: opt.texts({
      describe:
        'Legs that must report: a JSON array of names or {name, ...matrix} objects, or a shard-plan plan; inline or a file; may be given more than once',
    }),
    leg: opt.text({ describe: 'Put every input in this one leg' }),
    format: opt.oneOf(['ndjson', 'junit'], {
      default: 'ndjson',
      describe: 'ndjson: the testgate stream; junit: one merged JUnit XML document',
    }),
    output: opt.text({ alias: 'o', describe: 'Write to FILE instead of stdout' }),
    strict: opt.flag({
      describe: 'Exit 2 on the first unusable report instead of recording a diagnostic',
    }),
    quiet: opt.flag({
      alias: 'q',
      describe: 'Print nothing on stderr but errors that stop the tool',
    }),
    commit: opt.text({ describe: 'Commit of the run (default: from the CI environment)' }),
    branch: opt.text({ describe: 'Branch of the run (default: from the CI environment)' }),
    runId: opt.text({ describe: 'CI run id (default: from the CI environment)' }),
    runAttempt: opt.int({
      describe: 'Run attempt, 1 for the first (default: from the CI environment)',
    }),
    startedAt: opt.timestamp({
      describe:
        "Start of the run, ISO 8601 (default: the earliest of the reports' starts, else now)",
    }),
    jobs: opt.int({
      alias: 'j',
      describe:
        'Worker threads that read legs in parallel (default: one per core, up to 4, for inputs over 8 MiB)',
    }),
    maxText: opt.int({
      default: 65536,
      describe: 'Longest message, trace or output kept per field, in characters',
    }),
  },
  examples: [
    [
      `$0 'artifacts/**/*.xml' --expect '["api-22","api-24"]' > run.jsonl`,
      'merge every leg, failing closed on a missing one',
    ],
    ['$0 junit.xml --format junit -o merged.xml', 'one merged JUnit file'],
  ],
  epilogue: 'Exit codes: 0 stream written (the gate decides), 2 usage error or unusable input.',
  async run(args, io) {
    const expect = args.expect && (await readExpectedLegs(args.expect, io.cwd));
    const { commit, branch, runId, runAttempt: attempt, startedAt } = args;
    const totals = new MergeTotals(args.strict);
    await intoOutput(args.output, io, async (out) => {
      const found = await findLegs(args._, args.leg, io, expect);
      const merged = mergeRun(found, {
        ...{ expect, maxText: args.maxText, jobs: args.jobs, env: io.env, now: io.now },
        run: { commit, branch, runId, attempt, startedAt },
      });
      const tallied = { run: merged.run, legs: totals.count(merged.legs) };
      if (args.format === 'junit') await writeJunit(streamRecords(tallied), out);
      else await writeStream(tallied, out);
    });
    if (!args.quiet) totals.print(io);
    return ExitCode.ok;
  },
});
