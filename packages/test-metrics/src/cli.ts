import { ExitCode, UsageError, defineTool, opt, savedStreamFiles } from '@testgate/stream';
import { renderMetrics } from './exposition.js';
import { push } from './push.js';
import { reportRegressions } from './regression-report.js';
import { summarizeFiles } from './saved-runs.js';
import { summaryJson } from './summarize.js';

const TOOL = 'test-metrics';

/** A rise as `20%` or `0.2`. */
const threshold = opt.option(
  { type: 'string', default: '20%', describe: 'Rise of the median that counts as a regression' },
  (value, name) => {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(String(value).trim());
    if (!m)
      throw new UsageError(
        `${name} must be a percentage like 20% (or a fraction like 0.2), got: ${JSON.stringify(value)}`,
      );
    return m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
  },
);

/** Runs test-metrics with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `test-metrics [streams...] [options]

Reads saved run streams (one file per run, or folders of them) and exports the newest
run's durations as metrics, pushes them to a Pushgateway, or checks whether a leg or a
suite got slower than it was.`,
  options: {
    format: opt.oneOf(['prometheus', 'openmetrics', 'json'], {
      default: 'prometheus',
      describe: 'How to print the newest run',
    }),
    push: opt.text({
      describe: 'Push the newest run to this Pushgateway URL instead of printing it',
    }),
    job: opt.text({
      default: 'testgate',
      describe: 'Pushgateway job name (the branch is a grouping label when known)',
    }),
    checkRegression: opt.flag({
      describe: 'Compare median durations of the last window with the one before; exit 1 on a rise',
    }),
    window: opt.timeSpan({ default: '7d', describe: 'Length of each window: 7d, 24h, 90m' }),
    threshold,
    minRuns: opt.int({ default: 5, describe: 'Runs needed in each window for a comparison' }),
  },
  examples: [
    ['$0 runs/*.jsonl > metrics.prom', 'the newest run as Prometheus text'],
    ['$0 runs/ --check-regression --window 7d --threshold 20%', 'fail when a leg got 20% slower'],
  ],
  epilogue: 'Exit codes: 0 done (no regression), 1 a regression, 2 usage error or unusable input.',
  async run(args, io) {
    const say = (line: string) => io.stderr.write(`${TOOL}: ${line}\n`);
    const runs = await summarizeFiles(await savedStreamFiles(args._, io.cwd, say), io.cwd);
    if (args.checkRegression) return reportRegressions(runs, args, io, TOOL);
    const newest = runs.reduce((a, b) => ((b.startedAt ?? '') >= (a.startedAt ?? '') ? b : a));
    if (args.push !== undefined)
      say(
        `pushed ${newest.legs.size} leg(s) of ${newest.source} to ${await push(args.push, args.job, newest)}`,
      );
    else if (args.format === 'json')
      io.stdout.write(`${JSON.stringify(summaryJson(newest), null, 2)}\n`);
    else io.stdout.write(renderMetrics(newest, args.format));
    return ExitCode.ok;
  },
});
