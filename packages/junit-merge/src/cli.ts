import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { globby, isDynamicPattern } from 'globby';
import yargs from 'yargs';
import {
  type CliIo,
  type DiagnosticRecord,
  ExitCode,
  InputError,
  RecordWriter,
  type TestgateRecord,
  UsageError,
  formatPlace,
  processIo,
  readLines,
  runMain,
  sanitizeForTerminal,
  stderrColors,
} from '@testgate/stream';
import { LegFiles } from './_leg-files.js';
import { type ExpectedLeg, parseExpectedLegs } from './expect.js';
import { toJunitXml } from './junit-xml.js';
import { groupByLeg } from './legs.js';
import { type LegSummary, mergeLegToFile } from './_leg-output.js';
import type { LegJob } from './_leg-worker.js';
import { mergeInWorkers } from './_parallel.js';
import { type LegPlan, type LegSources, TOOL, planLegs } from './merge.js';
import { type ReportSource, fileSource } from './read-report.js';
import { runRecord } from './run-metadata.js';

interface Args {
  inputs: string[];
  expect?: string;
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

Merge the JUnit XML of every CI leg into one testgate stream (JSON Lines on stdout).
A file's leg is the first folder below the deepest folder holding all inputs
(artifacts/<leg>/...); a file directly in that folder is a leg named after it.`;

async function parseArgs(argv: string[], io: CliIo): Promise<Args | undefined> {
  const parser = yargs(argv)
    .scriptName(TOOL)
    .usage(USAGE)
    .option('expect', {
      type: 'string',
      describe:
        'Legs that must report: a JSON array of names or {name, ...matrix} objects, inline or a file',
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
    .option('run-id', { type: 'string', describe: 'CI run id (default: from the CI environment)' })
    .option('run-attempt', {
      type: 'number',
      describe: 'Run attempt, 1 for the first (default: from the CI environment)',
    })
    .option('started-at', {
      type: 'string',
      describe: 'Start of the run, ISO 8601 (default: the earliest suite timestamp, else now)',
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
    .strictOptions()
    .wrap(100)
    .help()
    .version(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message, `see ${TOOL} --help`);
    });
  const { parsed, output } = await new Promise<{ parsed: Record<string, unknown>; output: string }>(
    (done, fail) => {
      void parser.parse(argv, {}, (error, parsed, output) =>
        error ? fail(error) : done({ parsed, output }),
      );
    },
  );
  if (output) {
    io.stdout.write(`${output}\n`);
    return undefined;
  }
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
    expect: parsed.expect as string | undefined,
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
    const expect = args.expect === undefined ? undefined : await readExpect(args.expect, io.cwd);
    const startedAt = args.startedAt === undefined ? undefined : checkTimestamp(args.startedAt);
    const legs = await findLegs(args, io, expect);

    const files = new LegFiles();
    const warnings: DiagnosticRecord[] = [];
    const totals = { legs: 0, tests: 0, failed: 0, flaky: 0, records: 0 };
    let earliest: string | undefined;
    try {
      const plans = planLegs(legs, expect);
      for await (const batch of legOutputs(
        plans,
        args,
        files,
        await threadsFor(plans, args.jobs),
      )) {
        if (args.strict) failOnError(batch.diagnostics);
        totals.records += batch.records;
        totals.legs++;
        totals.tests += batch.leg.counts.tests;
        totals.failed += batch.leg.counts.failed + batch.leg.counts.error;
        totals.flaky += batch.leg.counts.flaky;
        warnings.push(...batch.diagnostics);
        if (batch.earliestTimestamp && (!earliest || batch.earliestTimestamp < earliest))
          earliest = batch.earliestTimestamp;
      }
      const run = runRecord(
        TOOL,
        {
          commit: args.commit,
          branch: args.branch,
          runId: args.runId,
          attempt: args.runAttempt,
          startedAt: startedAt ?? earliest ?? io.now().toISOString(),
        },
        io.env,
      );
      const out = await openOutput(args.output, io);
      try {
        const bytes = files.read(totals.legs);
        if (args.format === 'junit') await writeJunit(run, bytes, out.stream);
        else await writeStream(run, bytes, totals.records, out.stream);
      } finally {
        await out.close();
      }
    } finally {
      files.dispose();
    }
    if (!args.quiet) report(io, warnings, totals);
    return ExitCode.ok;
  });
}

// Below this much input, starting worker threads costs more than it saves.
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;
const MAX_THREADS = 4;

/** How many worker threads to read with: `--jobs`, else one per core for large inputs. */
async function threadsFor(plans: readonly LegPlan[], jobs: number | undefined): Promise<number> {
  const files = plans.flatMap((plan) => plan.sources.map((source) => source.file));
  // stdin cannot be handed to a worker: read such a run in this thread.
  if (files.some((file) => file === undefined)) return 1;
  if (jobs !== undefined) return jobs;
  if (plans.length < 2) return 1;
  let bytes = 0;
  for (const file of files) bytes += (await stat(file!)).size;
  return bytes < PARALLEL_FROM_BYTES ? 1 : Math.min(availableParallelism(), MAX_THREADS);
}

/** Merges each leg into its file, in this thread or on worker threads; summaries in leg order. */
async function* legOutputs(
  plans: readonly LegPlan[],
  args: Args,
  files: LegFiles,
  threads: number,
): AsyncGenerator<LegSummary> {
  const options = { maxText: args.maxText };
  if (threads <= 1) {
    for (const [index, plan] of plans.entries())
      yield await mergeLegToFile(plan, options, files.path(index));
    return;
  }
  const jobs = plans.map((plan, index): LegJob => ({
    index,
    name: plan.name,
    files: plan.sources.map((source) => ({ path: source.file!, display: source.path })),
    expectation: plan.expectation,
    unexpected: plan.unexpected,
    maxText: args.maxText,
    output: files.path(index),
  }));
  yield* mergeInWorkers(jobs, threads);
}

async function writeStream(
  run: TestgateRecord,
  legs: AsyncIterable<Buffer>,
  count: number,
  output: NodeJS.WritableStream,
): Promise<void> {
  const writer = new RecordWriter(output as import('node:stream').Writable, { tool: TOOL });
  await writer.write(run);
  let first = true;
  for await (const chunk of legs) {
    await writer.writeBytes(chunk, first ? count : 0);
    first = false;
  }
  await writer.end();
}

async function writeJunit(
  run: TestgateRecord,
  legs: AsyncIterable<Buffer>,
  output: NodeJS.WritableStream,
): Promise<void> {
  async function* records(): AsyncGenerator<TestgateRecord> {
    yield run;
    for await (const line of readLines(legs)) yield JSON.parse(line) as TestgateRecord;
  }
  for await (const piece of toJunitXml(records())) {
    if (!output.write(piece)) await new Promise((done) => output.once('drain', done));
  }
}

async function openOutput(
  path: string | undefined,
  io: CliIo,
): Promise<{ stream: NodeJS.WritableStream; close: () => Promise<void> }> {
  if (path === undefined || path === '-') return { stream: io.stdout, close: async () => {} };
  const { createWriteStream } = await import('node:fs');
  const stream = createWriteStream(resolve(io.cwd, path));
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (error) =>
      fail(
        new UsageError(
          `--output ${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? error.message})`,
        ),
      ),
    );
  });
  return { stream, close: () => new Promise<void>((done) => stream.end(done)) };
}

async function readExpect(value: string, cwd: string): Promise<ExpectedLeg[]> {
  if (/^\s*[[{"]/.test(value)) return parseExpectedLegs(value, '(inline)');
  let text: string;
  try {
    text = await readFile(resolve(cwd, value), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--expect ${value}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'pass a JSON array inline or the path of a JSON file',
    );
  }
  return parseExpectedLegs(text, value);
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

/** Expands the inputs into report sources, grouped into legs. */
async function findLegs(
  args: Args,
  io: CliIo,
  expect: ExpectedLeg[] | undefined,
): Promise<LegSources[]> {
  const inputs = args.inputs.length > 0 ? args.inputs : io.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0 && !expect) {
    throw new UsageError(
      'no input: name report files or globs, or pipe a report into stdin',
      `see ${TOOL} --help`,
    );
  }
  const files = new Set<string>();
  const roots: string[] = [];
  let stdin = false;
  for (const input of inputs) {
    if (input === '-') {
      stdin = true;
    } else if (isDynamicPattern(input)) {
      roots.push(resolve(io.cwd, staticBase(input)));
      const matches = await globby(input, {
        cwd: io.cwd,
        absolute: true,
        onlyFiles: true,
        dot: true,
      });
      for (const match of matches) files.add(match);
    } else {
      const path = resolve(io.cwd, input);
      const info = await stat(path).catch(() => undefined);
      if (!info)
        throw new InputError(
          'no such file',
          { file: input },
          'check the path, or quote a glob so the shell does not expand it',
        );
      if (info.isDirectory()) {
        roots.push(path);
        const matches = await globby('**/*.xml', {
          cwd: path,
          absolute: true,
          onlyFiles: true,
          dot: true,
        });
        for (const match of matches) files.add(match);
      } else files.add(path);
    }
  }
  if (files.size === 0 && !stdin && !expect) {
    throw new InputError(
      `no report matched ${inputs.map((i) => JSON.stringify(i)).join(', ')}`,
      { file: inputs.join(' ') },
      'check the pattern and that the artifacts were downloaded; pass --expect to record the missing legs instead',
    );
  }
  const display = (path: string): string => {
    const rel = relative(io.cwd, path);
    const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
    return sep === '/' ? shown : shown.split(sep).join('/');
  };
  const sorted = [...files].sort();
  const stdinSource: ReportSource = {
    path: '-',
    read: () => io.stdin as AsyncIterable<Uint8Array>,
  };
  if (args.leg !== undefined) {
    const sources = sorted.map((f) => fileSource(f, display(f)));
    if (stdin) sources.push(stdinSource);
    return [{ name: args.leg, sources }];
  }
  const slashed = (path: string): string => path.split(sep).join('/');
  const legs: LegSources[] = [...groupByLeg(sorted.map(slashed), roots.map(slashed))].map(
    ([name, paths]) => ({
      name,
      sources: paths.map((p) => fileSource(p, display(p))),
    }),
  );
  if (stdin) legs.push({ name: 'stdin', sources: [stdinSource] });
  return legs;
}

/** The folder part of a glob before its first wildcard: for `artifacts/<glob>/*.xml`, `artifacts`. */
function staticBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part !== '' && isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.length === 1 && fixed[0] === '' ? '/' : fixed.join('/') || '.';
}

function failOnError(diagnostics: readonly DiagnosticRecord[]): void {
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error)
    throw new InputError(
      error.message,
      { file: error.file ?? error.leg ?? '-', line: error.line },
      error.hint,
    );
}

function report(
  io: CliIo,
  diagnostics: readonly DiagnosticRecord[],
  totals: { legs: number; tests: number; failed: number; flaky: number },
): void {
  const colors = stderrColors(io.stderr, io.env);
  const shown = diagnostics.filter((d) => d.severity !== 'info');
  for (const d of shown.slice(0, 20)) {
    const where = d.file
      ? `${formatPlace({ file: d.file, line: d.line })}: `
      : d.leg
        ? `leg ${d.leg}: `
        : '';
    const label = d.severity === 'error' ? colors.red('error') : colors.yellow('warning');
    io.stderr.write(`${TOOL}: ${label}: ${sanitizeForTerminal(where + d.message)}\n`);
  }
  if (shown.length > 20)
    io.stderr.write(`${TOOL}: … and ${shown.length - 20} more diagnostics in the stream\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  io.stderr.write(
    `${TOOL}: ${totals.legs} leg(s), ${totals.tests} test(s), ${totals.failed} failed, ${totals.flaky} flaky, ${errors} error diagnostic(s)\n`,
  );
}
