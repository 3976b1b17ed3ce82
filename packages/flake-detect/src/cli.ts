import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  type CliIo,
  ExitCode,
  cleanupOnSignal,
  RecordWriter,
  UsageError,
  openStreamInput,
  parseTimeSpan,
  parseArguments,
  processIo,
  readRecords,
  runMain,
  withHouseRules,
  writeFileAtomically,
  oneLine,
} from '@testgate/stream';
import { readLedgerFile } from '@testgate/quarantine-filter';
import { FlakeDetector, TOOL } from './detect.js';
import { fileSpill } from './spill.js';
import { loadHistory } from './load-history.js';
import { openStore } from './stores/open-store.js';
import type { HistoryStore } from './stores/store.js';

const USAGE = `flake-detect [stream] [--history PATH|postgres://...] [--record] [--window 30d]
flake-detect history --prune|--export [--history ...]

Labels every test of a testgate stream flaky, suspect, broken, new or stable, with the
evidence: retries in this run, reruns of the same commit, and the history window.`;

type Parsed = Record<string, unknown> & { _: unknown[] };

async function parse(argv: string[], io: CliIo): Promise<Parsed | undefined> {
  const parser = withHouseRules(
    yargs(argv)
      .usage(USAGE)
      .option('history', {
        type: 'string',
        default: '.testgate/history',
        describe: 'The history: a folder, a .jsonl file, or a postgres:// URL',
      })
      .option('window', {
        type: 'string',
        default: '30d',
        describe: 'How far back the history counts (h, d or w)',
      })
      .command('$0 [stream]', 'Label the tests of a stream (file or stdin) and pass it on', (y) =>
        y
          .positional('stream', {
            type: 'string',
            describe: 'A testgate stream; stdin when left out',
          })
          .option('record', {
            type: 'boolean',
            default: false,
            describe: "Add this run's outcomes to the history (read only without it)",
          })
          .option('branch', {
            type: 'string',
            describe: "Branch whose commits the history rules read (default: the run's)",
          })
          .option('quarantine', {
            type: 'string',
            describe:
              'The quarantine ledger: its tests are not proposed, and are checked for release',
          })
          .option('propose', {
            type: 'string',
            describe: 'Write quarantine proposals (ledger entries without owner) to this file',
          })
          .option('propose-score', {
            type: 'number',
            default: 0.01,
            describe: 'Propose a suspect test from this flake rate (shown at 95% confidence)',
          })
          .option('propose-days', {
            type: 'number',
            default: 14,
            describe: 'Deadline of a proposed quarantine, in days',
          })
          .option('target-rate', {
            type: 'number',
            default: 0.02,
            describe: 'A quarantined test is a release candidate once shown below this flake rate',
          })
          .option('outage-share', {
            type: 'number',
            default: 10,
            describe:
              "Percent of a leg's tests failing (and 5x its usual share) that makes an outage",
          })
          .example(
            'junit-merge "artifacts/**/*.xml" | $0 --history .testgate/history --record | gate-verdict',
            'the gate with flake detection, recording this run',
          )
          .example(
            '... | $0 --history "$HISTORY_DATABASE_URL" --record --propose proposals.json',
            'history in Postgres, and quarantine proposals for a bot',
          ),
      )
      .command('history', 'Maintain the history', (y) =>
        y
          .option('prune', {
            type: 'boolean',
            default: false,
            describe: 'Drop entries older than the window',
          })
          .option('export', {
            type: 'boolean',
            default: false,
            describe: 'Write the entries in the window as JSON Lines',
          })
          .option('output', { alias: 'o', type: 'string', describe: 'Export to this file' })
          .check((a) => {
            if (a.prune === a.export) throw new UsageError('history needs --prune or --export');
            return true;
          })
          .example('$0 history --prune --window 30d', 'keep 30 days')
          .example('$0 history --export -o history.jsonl', 'a copy of the window'),
      )
      .epilogue('Exit codes: 0 done, 2 usage error, unusable stream or history.')
      .strict(),
    TOOL,
  );
  return (await parseArguments(parser, argv, io)) as Parsed | undefined;
}

/** Runs flake-detect with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const args = await parse(argv, io);
    if (!args) return ExitCode.ok;
    const windowMs = parseTimeSpan(args.window as string);
    if (windowMs === undefined)
      throw new UsageError(
        `--window must be like 30d, 12h or 8w, got: ${JSON.stringify(args.window)}`,
      );
    const store = openStore(args.history as string, io.cwd);
    try {
      if (args._[0] === 'history') return await maintain(args, store, windowMs, io);
      return await detect(args, store, windowMs, io);
    } finally {
      await store.close();
    }
  });
}

async function maintain(
  args: Parsed,
  store: HistoryStore,
  windowMs: number,
  io: CliIo,
): Promise<number> {
  const since = new Date(io.now().getTime() - windowMs).toISOString();
  if (args.prune) {
    const dropped = await store.prune(since);
    io.stderr.write(`${TOOL}: dropped ${dropped} entries before ${since} from ${store.name}\n`);
    return ExitCode.ok;
  }
  const output = args.output as string | undefined;
  const entries: { time: string; line: string }[] = [];
  for await (const batch of store.read(since))
    for (const entry of batch) entries.push({ time: entry.time, line: JSON.stringify(entry) });
  // The store hands entries over in no order: export them in time order, stably.
  entries.sort((a, b) => compare(a.time, b.time) || compare(a.line, b.line));
  const text = entries.map((e) => `${e.line}\n`).join('');
  if (output) await writeFileAtomically(resolve(io.cwd, output), text);
  else io.stdout.write(text);
  return ExitCode.ok;
}

async function detect(
  args: Parsed,
  store: HistoryStore,
  windowMs: number,
  io: CliIo,
): Promise<number> {
  const outageShare = args.outageShare as number;
  if (!(outageShare > 0 && outageShare <= 100))
    throw new UsageError(
      `--outage-share must be a percentage above 0, got: ${String(outageShare)}`,
    );
  for (const name of ['proposeScore', 'targetRate'] as const) {
    const value = args[name] as number;
    if (!(value > 0 && value < 1))
      throw new UsageError(
        `--${kebab(name)} must be a rate between 0 and 1, got: ${String(value)}`,
      );
  }
  const quarantine = args.quarantine as string | undefined;
  const ledger = quarantine
    ? await readLedgerFile(resolve(io.cwd, quarantine), quarantine, {
        ifMissing: (notice) => io.stderr.write(`${TOOL}: ${oneLine(notice)}\n`),
      })
    : undefined;
  let runs = 0;
  const { input, file } = await openStreamInput(args.stream as string | undefined, io, TOOL);
  const spill = fileSpill();
  const detector = new FlakeDetector(
    async (query) => {
      if (args.record && query.current.commit.startsWith('unknown@'))
        throw new UsageError(
          "--record needs the run's commit, and the stream's run record has none",
          'run in CI, or give junit-merge --commit (and --run-id) when running locally',
        );
      if (args.record && query.current.time > io.now().getTime() + CLOCK_SKEW_MS)
        throw new UsageError(
          `--record refuses a run that starts in the future: startedAt ${new Date(query.current.time).toISOString()} is after now (${io.now().toISOString()}) by more than ${CLOCK_SKEW_MS / 60_000} minutes`,
          "check the reports' timestamps and the runner's clock, or give junit-merge --started-at",
        );
      const index = await loadHistory(store, query, { minShare: outageShare / 100 });
      runs = index.runCount;
      return index;
    },
    {
      windowMs,
      now: io.now(),
      spill,
      keepEntries: args.record as boolean,
      branch: args.branch as string | undefined,
      ledger,
      targetRate: args.targetRate as number,
      proposeScore: args.proposeScore as number,
      proposeDays: args.proposeDays as number,
    },
  );
  const writer = new RecordWriter(io.stdout, { tool: TOOL });
  const release = cleanupOnSignal(() => spill.dispose());
  try {
    await writer.writeAll(detector.detect(readRecords(input, { file })));
  } finally {
    release();
    spill.dispose();
  }
  // A run without some of its legs would read as complete in the history: their tests
  // would look removed, and the run's other outcomes would stand for the commit.
  const incomplete = detector.incompleteLegs;
  const record = args.record && incomplete.length === 0;
  if (args.record && !record)
    io.stderr.write(
      `${TOOL}: this run is not recorded: ${incomplete.map((l) => JSON.stringify(oneLine(l))).join(', ')} did not report, and the history would take the run for complete (a rerun with every leg is recorded)\n`,
    );
  // Recorded before the stream's end: if recording fails, the next stage sees a cut
  // stream and fails closed.
  if (record) {
    // Never cut the window later than the clock says: no run can delete recent history.
    const cut = Math.min(detector.run!.time, io.now().getTime()) - windowMs;
    await store.append(detector.entries, new Date(cut).toISOString());
  }
  if (args.propose) {
    const text = `${JSON.stringify(detector.proposals, null, 2)}\n`;
    await writeFileAtomically(resolve(io.cwd, args.propose as string), text);
  }
  await writer.end();
  const c = detector.counts;
  const total = c.stable + c.flaky + c.suspect + c.broken + c.new;
  io.stderr.write(
    `${TOOL}: ${total} tests (${detector.results} results in ${detector.legCount} leg(s)), one label per test: ` +
      `${c.flaky} flaky, ${c.suspect} suspect, ${c.broken} broken, ${c.new} new, ${c.stable} stable` +
      ` (history: ${runs} runs in ${args.window as string} from ${store.name}` +
      `${record ? ', this run recorded' : ''})` +
      `${args.propose ? `; ${detector.proposals.length} proposed for quarantine in ${args.propose as string}` : ''}\n`,
  );
  return ExitCode.ok;
}

/** How far ahead of this machine's clock a recorded run may start. */
const CLOCK_SKEW_MS = 10 * 60_000;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
