import { type CliIo, ExitCode, ExitError } from '@testgate/stream';
import { type RegressionOptions, checkRegression } from './regression.js';
import type { RunSummary } from './summarize.js';

/**
 * Compares the runs' medians window against window, a line per leg or suite on stdout;
 * a rise over the threshold is an ExitError (exit 1).
 */
export function reportRegressions(
  runs: RunSummary[],
  options: RegressionOptions,
  io: CliIo,
  tool: string,
): number {
  const comparisons = checkRegression(runs, options);
  const round = (seconds: number): number => Math.round(seconds * 100) / 100;
  for (const c of comparisons)
    io.stdout.write(
      `${(c.regressed ? 'REGRESSED' : 'ok').padEnd(9)} ${c.subject}: median ${round(c.before.median)} s over ${c.before.runs} runs -> ${round(c.recent.median)} s over ${c.recent.runs} runs (${c.rise >= 0 ? '+' : ''}${Math.round(c.rise * 100)}%)\n`,
    );
  if (comparisons.length === 0)
    io.stderr.write(
      `${tool}: nothing to compare: fewer than ${options.minRuns} runs in one of the two windows\n`,
    );
  const regressed = comparisons.filter((c) => c.regressed);
  if (regressed.length > 0)
    throw new ExitError(
      ExitCode.red,
      `${regressed.length} median duration(s) rose more than ${Math.round(options.threshold * 100)}%: ${regressed.map((c) => c.subject).join(', ')}`,
    );
  return ExitCode.ok;
}
