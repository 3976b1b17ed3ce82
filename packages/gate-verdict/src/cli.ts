import { UsageError, defineTool, opt } from '@testgate/stream';
import { TOOL, runGate } from './gate.js';

/** Runs gate-verdict with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `gate-verdict [stream] [options]

Decide one verdict from a testgate stream (a file, or stdin): exit 0 green, 1 red,
2 unusable input. Green only when every expected leg reported, nothing blocking failed,
the stream is whole, tests ran, and no hard budget was exceeded.`,
  options: {
    expect: opt.texts({
      describe:
        'Legs that must have reported: a JSON array of names or {name, ...} objects, inline or a file; may be given more than once',
    }),
    flaky: opt.oneOf(['warn', 'fail'], {
      default: 'warn',
      describe: 'warn: flaky tests show, do not block; fail: they make the gate red',
    }),
    allowEmpty: opt.flag({ describe: 'Green even when no test ran' }),
    budgets: opt.text({
      describe: 'Timing budgets: {"budgets": [{"leg"|"suite": glob, "target": s, "hard": s}]}',
    }),
    summary: opt.text({
      describe: 'Append a Markdown summary to FILE (point it at $GITHUB_STEP_SUMMARY)',
    }),
    comment: opt.text({
      describe:
        'Write the Markdown body of a sticky pull request comment to FILE (a marker line, under 65,536 characters)',
    }),
    json: opt.text({ describe: 'Write the verdict document to FILE' }),
    html: opt.text({
      describe: 'Write one self-contained HTML report to FILE: every test, with filters and search',
    }),
    ctrf: opt.text({
      describe:
        'Write the run as one CTRF document to FILE: every test, the labels and the verdict',
    }),
    annotations: opt.oneOf(['github'], {
      describe: 'Print workflow-command annotations for blocking failures on stdout',
    }),
    quiet: opt.flag({ alias: 'q', describe: 'Print nothing on stderr but errors' }),
  },
  examples: [
    [
      `junit-merge 'artifacts/**/*.xml' | $0 --summary "$GITHUB_STEP_SUMMARY"`,
      'the required check',
    ],
  ],
  epilogue: 'Exit codes: 0 green, 1 red, 2 usage error or unusable input (never green).',
  async run(args, io) {
    if (args._.length > 1)
      throw new UsageError(
        `expected at most one stream, got ${args._.length}: ${args._.join(' ')}`,
        'concatenate streams with cat, or merge them with junit-merge',
      );
    return runGate({ ...args, stream: args._[0] }, io);
  },
});
