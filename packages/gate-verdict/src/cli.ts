import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  type CliIo,
  type TestgateRecord,
  ExitCode,
  ExitError,
  InputError,
  UsageError,
  type VerdictDocument,
  parseArguments,
  withHouseRules,
  formatPlace,
  openStreamInput,
  processIo,
  readExpectedLegs,
  readRecords,
  runMain,
  stderrColors,
  validateVerdict,
  writeFileAtomically,
} from '@testgate/stream';
import { githubAnnotations } from './annotations.js';
import { type Budget, parseBudgets } from './budgets.js';
import { CtrfReport } from './ctrf.js';
import { decideVerdict } from './decide.js';
import { type TestRow, collectRows, renderHtml } from './html.js';
import { renderSummary } from './markdown.js';
import { renderTerminal } from './terminal.js';

const TOOL = 'gate-verdict';

const USAGE = `gate-verdict [stream] [options]

Decide one verdict from a testgate stream (a file, or stdin): exit 0 green, 1 red,
2 unusable input. Green only when every expected leg reported, nothing blocking failed,
the stream is whole, tests ran, and no hard budget was exceeded.`;

interface Args {
  stream?: string;
  expect?: string | string[];
  flaky: 'warn' | 'fail';
  allowEmpty: boolean;
  budgets?: string;
  summary?: string;
  json?: string;
  html?: string;
  ctrf?: string;
  annotations?: 'github';
  quiet: boolean;
}

async function parseArgs(argv: string[], io: CliIo): Promise<Args | undefined> {
  const parser = withHouseRules(
    yargs(argv)
      .usage(USAGE)
      .option('expect', {
        type: 'string',
        describe:
          'Legs that must have reported: a JSON array of names or {name, ...} objects, inline or a file; may be given more than once',
      })
      .option('flaky', {
        choices: ['warn', 'fail'] as const,
        default: 'warn' as const,
        describe: 'warn: flaky tests show, do not block; fail: they make the gate red',
      })
      .option('allow-empty', {
        type: 'boolean',
        default: false,
        describe: 'Green even when no test ran',
      })
      .option('budgets', {
        type: 'string',
        describe: 'Timing budgets: {"budgets": [{"leg"|"suite": glob, "target": s, "hard": s}]}',
      })
      .option('summary', {
        type: 'string',
        describe: 'Append a Markdown summary to FILE (point it at $GITHUB_STEP_SUMMARY)',
      })
      .option('json', { type: 'string', describe: 'Write the verdict document to FILE' })
      .option('html', {
        type: 'string',
        describe:
          'Write one self-contained HTML report to FILE: every test, with filters and search',
      })
      .option('ctrf', {
        type: 'string',
        describe:
          'Write the run as one CTRF document to FILE: every test, the labels and the verdict',
      })
      .option('annotations', {
        choices: ['github'] as const,
        describe: 'Print workflow-command annotations for blocking failures on stdout',
      })
      .option('quiet', {
        alias: 'q',
        type: 'boolean',
        default: false,
        describe: 'Print nothing on stderr but errors',
      })
      .example(
        `junit-merge 'artifacts/**/*.xml' | $0 --summary "$GITHUB_STEP_SUMMARY"`,
        'the required check',
      )
      .epilogue('Exit codes: 0 green, 1 red, 2 usage error or unusable input (never green).')
      .strictOptions(),
    TOOL,
  );
  const parsed = await parseArguments(parser, argv, io);
  if (!parsed) return undefined;
  const positional = (parsed._ as unknown[]).map(String);
  if (positional.length > 1)
    throw new UsageError(
      `expected at most one stream, got ${positional.length}: ${positional.join(' ')}`,
      'concatenate streams with cat, or merge them with junit-merge',
    );
  return {
    stream: positional[0],
    expect: parsed.expect as string | string[] | undefined,
    flaky: parsed.flaky as Args['flaky'],
    allowEmpty: parsed.allowEmpty as boolean,
    budgets: parsed.budgets as string | undefined,
    summary: parsed.summary as string | undefined,
    json: parsed.json as string | undefined,
    html: parsed.html as string | undefined,
    ctrf: parsed.ctrf as string | undefined,
    annotations: parsed.annotations as Args['annotations'],
    quiet: parsed.quiet as boolean,
  };
}

/** Runs gate-verdict with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const args = await parseArgs(argv, io);
    if (!args) return ExitCode.ok;
    const expect =
      args.expect === undefined ? undefined : await readExpectedLegs(args.expect, io.cwd);
    const budgets =
      args.budgets === undefined ? undefined : await readBudgets(args.budgets, io.cwd);
    const { input, file } = await openStreamInput(args.stream, io, TOOL);

    const rows: TestRow[] = [];
    const ctrf = args.ctrf === undefined ? undefined : new CtrfReport();
    const row = args.html === undefined ? undefined : collectRows(rows);
    let verdict: VerdictDocument;
    let unusable: InputError | undefined;
    try {
      verdict = await decideVerdict(withRun(readRecords(input, { file }), ctrf), {
        expect,
        budgets,
        flaky: args.flaky,
        allowEmpty: args.allowEmpty,
        onTest:
          row === undefined && ctrf === undefined
            ? undefined
            : (test) => {
                row?.(test);
                ctrf?.test(test);
              },
      });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // Still red in every report people read, then exit 2.
      unusable = error;
      verdict = unusableVerdict(error);
    }
    await writeReports(verdict, rows, args, io);
    if (ctrf !== undefined && args.ctrf !== undefined)
      await writeFileAtomically(resolve(io.cwd, args.ctrf), ctrf.finish(verdict));
    // An unusable stream is the one line of its error: the report would only repeat it.
    if (unusable) {
      const where = unusable.place ? `${formatPlace(unusable.place)}: ` : '';
      throw new ExitError(ExitCode.unusable, `RED, ${where}${unusable.message}`, {
        hint: unusable.hint,
      });
    }
    if (!args.quiet) io.stderr.write(renderTerminal(verdict, stderrColors(io.stderr, io.env)));
    return verdict.verdict === 'green' ? ExitCode.ok : ExitCode.red;
  });
}

/** The records, the run record handed to the CTRF report on its way. */
async function* withRun(
  records: AsyncIterable<TestgateRecord>,
  ctrf: CtrfReport | undefined,
): AsyncGenerator<TestgateRecord> {
  for await (const record of records) {
    if (record.type === 'run') ctrf?.run(record);
    yield record;
  }
}

async function readBudgets(path: string, cwd: string): Promise<Budget[]> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--budgets ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return parseBudgets(text, path);
}

function unusableVerdict(error: InputError): VerdictDocument {
  const where = error.place ? `${formatPlace(error.place)}: ` : '';
  return {
    version: 1,
    verdict: 'red',
    reasons: [
      { code: 'stream-unusable', message: `the stream cannot be used: ${where}${error.message}` },
    ],
    warnings: [],
    counts: { tests: 0, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0, excused: 0 },
    legs: [],
    blocking: [],
    excused: [],
  };
}

async function writeReports(
  verdict: VerdictDocument,
  rows: TestRow[],
  args: Args,
  io: CliIo,
): Promise<void> {
  if (args.html !== undefined)
    await writeFileAtomically(resolve(io.cwd, args.html), renderHtml(verdict, rows));
  if (args.json !== undefined) {
    const check = validateVerdict(verdict);
    if (!check.ok) throw new Error(`${TOOL} made an invalid verdict document: ${check.problem}`);
    await writeFileAtomically(resolve(io.cwd, args.json), `${JSON.stringify(verdict, null, 2)}\n`);
  }
  // Appended: GitHub's step summary file collects what every command of the step writes.
  if (args.summary !== undefined)
    await appendFile(
      resolve(io.cwd, args.summary),
      renderSummary(
        verdict,
        args.html === undefined ? {} : { fullReport: `the HTML report (${args.html})` },
      ),
    );
  if (args.annotations === 'github') io.stdout.write(githubAnnotations(verdict));
}
