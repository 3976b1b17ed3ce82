import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  type CliIo,
  ExitCode,
  ExitError,
  UsageError,
  parseArguments,
  parseTimeSpan,
  withHouseRules,
  processIo,
  readRecords,
  redactUrl,
  redactUrls,
  runMain,
  savedStreamFiles,
} from '@testgate/stream';
import { renderMetrics } from './exposition.js';
import { checkRegression } from './regression.js';
import { type RunSummary, summarizeRun } from './summarize.js';

const TOOL = 'test-metrics';

const USAGE = `test-metrics [streams...] [options]

Reads saved run streams (one file per run, or folders of them) and exports the newest
run's durations as metrics, pushes them to a Pushgateway, or checks whether a leg or a
suite got slower than it was.`;

export function parseWindow(text: string): number {
  const span = parseTimeSpan(text);
  if (span === undefined)
    throw new UsageError(
      `--window must be a length like 7d, 24h or 90m, got: ${JSON.stringify(text)}`,
    );
  return span;
}

export function parseThreshold(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--threshold must be a percentage like 20% (or a fraction like 0.2), got: ${JSON.stringify(text)}`,
    );
  return m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
}

/** Runs test-metrics with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const parser = withHouseRules(
      yargs(argv)
        .usage(USAGE)
        .option('format', {
          choices: ['prometheus', 'openmetrics', 'json'] as const,
          default: 'prometheus' as const,
          describe: 'How to print the newest run',
        })
        .option('push', {
          type: 'string',
          describe: 'Push the newest run to this Pushgateway URL instead of printing it',
        })
        .option('job', {
          type: 'string',
          default: 'testgate',
          describe: 'Pushgateway job name (the branch is a grouping label when known)',
        })
        .option('check-regression', {
          type: 'boolean',
          default: false,
          describe:
            'Compare median durations of the last window with the one before; exit 1 on a rise',
        })
        .option('window', {
          type: 'string',
          default: '7d',
          describe: 'Length of each window: 7d, 24h, 90m',
        })
        .option('threshold', {
          type: 'string',
          default: '20%',
          describe: 'Rise of the median that counts as a regression',
        })
        .option('min-runs', {
          type: 'number',
          default: 5,
          describe: 'Runs needed in each window for a comparison',
        })
        .example('$0 runs/*.jsonl > metrics.prom', 'the newest run as Prometheus text')
        .example(
          '$0 runs/ --check-regression --window 7d --threshold 20%',
          'fail when a leg got 20% slower',
        )
        .epilogue(
          'Exit codes: 0 done (no regression), 1 a regression, 2 usage error or unusable input.',
        )
        .strictOptions(),
      TOOL,
    );
    const args = await parseArguments(parser, argv, io);
    if (!args) return ExitCode.ok;
    const files = await savedStreamFiles((args._ as unknown[]).map(String), io.cwd, (line) =>
      io.stderr.write(`${TOOL}: ${line}\n`),
    );
    const runs: RunSummary[] = [];
    for (const file of files)
      runs.push(
        await summarizeRun(readRecords(createReadStream(resolve(io.cwd, file)), { file }), file),
      );

    if (args.checkRegression) {
      const minRuns = args.minRuns as number;
      if (!Number.isInteger(minRuns) || minRuns < 1)
        throw new UsageError(`--min-runs must be a whole number from 1, got: ${String(minRuns)}`);
      const comparisons = checkRegression(runs, {
        window: parseWindow(args.window as string),
        threshold: parseThreshold(args.threshold as string),
        minRuns,
      });
      for (const c of comparisons) {
        const mark = c.regressed ? 'REGRESSED' : 'ok';
        io.stdout.write(
          `${mark.padEnd(9)} ${c.subject}: median ${round(c.before.median)} s over ${c.before.runs} runs -> ${round(c.recent.median)} s over ${c.recent.runs} runs (${c.rise >= 0 ? '+' : ''}${Math.round(c.rise * 100)}%)\n`,
        );
      }
      const regressed = comparisons.filter((c) => c.regressed);
      if (comparisons.length === 0)
        io.stderr.write(
          `${TOOL}: nothing to compare: fewer than ${minRuns} runs in one of the two windows\n`,
        );
      if (regressed.length > 0)
        throw new ExitError(
          ExitCode.red,
          `${regressed.length} median duration(s) rose more than ${args.threshold as string}: ${regressed.map((c) => c.subject).join(', ')}`,
        );
      return ExitCode.ok;
    }

    const newest = runs.reduce((a, b) => ((b.startedAt ?? '') >= (a.startedAt ?? '') ? b : a));
    if (args.push !== undefined) {
      await push(args.push as string, args.job as string, newest, io);
      return ExitCode.ok;
    }
    if (args.format === 'json') io.stdout.write(`${JSON.stringify(toJson(newest), null, 2)}\n`);
    else io.stdout.write(renderMetrics(newest, args.format as 'prometheus' | 'openmetrics'));
    return ExitCode.ok;
  });
}

/** PUT replaces the group's metrics: a value stays until the next run of the same group. */
async function push(url: string, job: string, run: RunSummary, io: CliIo): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`--push must be a URL, got: ${JSON.stringify(redactUrl(url))}`);
  }
  // Credentials in the URL become a Basic header: fetch refuses a URL that carries them.
  const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4' };
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const group = run.branch === undefined ? '' : groupingLabel('branch', run.branch);
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/metrics${groupingLabel('job', job)}${group}`;
  const shown = redactUrl(target.toString());
  let response: Response;
  try {
    response = await fetch(target, { method: 'PUT', headers, body: renderMetrics(run) });
  } catch (error) {
    const cause =
      (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : undefined;
    const reason =
      (cause as NodeJS.ErrnoException | undefined)?.code ??
      cause?.message ??
      (error as Error).message;
    throw new ExitError(
      ExitCode.unusable,
      `cannot reach the Pushgateway at ${redactUrl(url)} (${redactUrls(reason)})`,
    );
  }
  if (!response.ok)
    throw new ExitError(
      ExitCode.unusable,
      `the Pushgateway refused the metrics (HTTP ${response.status}: ${(await response.text()).slice(0, 200)})`,
    );
  io.stderr.write(`${TOOL}: pushed ${run.legs.size} leg(s) of ${run.source} to ${shown}\n`);
}

/**
 * One label of the Pushgateway's grouping path. A value a URL would not carry as one
 * segment (`.` and `..` are resolved away, a `/` splits it, an empty one vanishes) is
 * written in the Pushgateway's base64 form, `name@base64/…`.
 */
function groupingLabel(name: string, value: string): string {
  return value === '' || value === '.' || value === '..' || value.includes('/')
    ? `/${name}@base64/${Buffer.from(value).toString('base64url') || '='}`
    : `/${name}/${encodeURIComponent(value)}`;
}

function toJson(run: RunSummary): unknown {
  return {
    source: run.source,
    startedAt: run.startedAt,
    legs: [...run.legs.values()].map((leg) => ({ ...leg, suites: Object.fromEntries(leg.suites) })),
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}
