import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type CliIo,
  type TestgateRecord,
  ExitCode,
  ExitError,
  InputError,
  UsageError,
  type VerdictDocument,
  formatPlace,
  openStreamInput,
  readExpectedLegs,
  readRecords,
  stderrColors,
  usageFor,
  validateVerdict,
  writeFileAtomically,
} from '@testgate/stream';
import { githubAnnotations } from './annotations.js';
import { type Budget, parseBudgets } from './budgets.js';
import { renderComment } from './comment.js';
import { CtrfReport } from './ctrf.js';
import { decideVerdict } from './decide.js';
import { type TestRow, collectRows, renderHtml } from './html.js';
import { renderSummary } from './markdown.js';
import { renderTerminal } from './terminal.js';

export const TOOL = 'gate-verdict';

/** A gate as the command line asks for it: the stream, the rules, the reports to write. */
export interface GateRequest {
  stream: string | undefined;
  expect: string[] | undefined;
  flaky: 'warn' | 'fail';
  allowEmpty: boolean;
  budgets: string | undefined;
  summary: string | undefined;
  comment: string | undefined;
  json: string | undefined;
  html: string | undefined;
  ctrf: string | undefined;
  annotations: 'github' | undefined;
  quiet: boolean;
}

/**
 * Decides the verdict of the stream, writes the reports asked for, and gives the exit
 * code: 0 green, 1 red; an unusable stream is red in every report, then an ExitError (2).
 */
export async function runGate(args: GateRequest, io: CliIo): Promise<number> {
  const expect =
    args.expect === undefined ? undefined : await readExpectedLegs(args.expect, io.cwd);
  const budgets = args.budgets === undefined ? undefined : await readBudgets(args.budgets, io.cwd);
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
  try {
    return parseBudgets(text);
  } catch (error) {
    throw usageFor(`--budgets ${path}: `, error);
  }
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
  args: GateRequest,
  io: CliIo,
): Promise<void> {
  if (args.html !== undefined)
    await writeFileAtomically(resolve(io.cwd, args.html), renderHtml(verdict, rows));
  if (args.json !== undefined) {
    const check = validateVerdict(verdict);
    if (!check.ok) throw new Error(`${TOOL} made an invalid verdict document: ${check.problem}`);
    await writeFileAtomically(resolve(io.cwd, args.json), `${JSON.stringify(verdict, null, 2)}\n`);
  }
  const fullReport =
    args.html === undefined ? {} : { fullReport: `the HTML report (${args.html})` };
  // Appended: GitHub's step summary file collects what every command of the step writes.
  if (args.summary !== undefined)
    await appendFile(resolve(io.cwd, args.summary), renderSummary(verdict, fullReport));
  // Written whole, not appended: the comment is edited in place on each run.
  if (args.comment !== undefined)
    await writeFileAtomically(resolve(io.cwd, args.comment), renderComment(verdict, fullReport));
  if (args.annotations === 'github') io.stdout.write(githubAnnotations(verdict));
}
