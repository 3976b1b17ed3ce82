import { resolve } from 'node:path';
import {
  type CliIo,
  ExitCode,
  RecordWriter,
  UsageError,
  cleanupOnSignal,
  command,
  formatTimeSpan,
  opt,
  oneLine,
  openStreamInput,
  readLedgerFile,
  readRecords,
  writeFileAtomically,
} from '@testgate/stream';
import { FlakeDetector, TOOL } from '../detect.js';
import { globalOptions, withStore } from './global.js';
import { loadHistory } from '../load-history.js';
import { fileSpill } from '../spill.js';
import type { HistoryStore } from '../stores/store.js';

/** `flake-detect [stream]`: label a stream's tests. */
export const detectCommand = command(globalOptions, {
  command: '$0 [stream]',
  describe: 'Label the tests of a stream (file or stdin) and pass it on',
  positionals: { stream: 'A testgate stream; stdin when left out' },
  options: {
    record: opt.flag({
      describe: "Add this run's outcomes to the history (read only without it)",
    }),
    branch: opt.text({
      describe: "Branch whose commits the history rules read (default: the run's)",
    }),
    base: opt.text({
      describe:
        "Branch a failure is compared with, to say whether this change caused it (default: the pull request's target from the CI, else the run's branch)",
    }),
    quarantine: opt.text({
      describe: 'The quarantine ledger: its tests are not proposed, and are checked for release',
    }),
    propose: opt.text({
      describe: 'Write quarantine proposals (ledger entries without owner) to this file',
    }),
    proposeScore: opt.rate({
      default: 0.01,
      describe: 'Propose a suspect test from this flake rate (shown at 95% confidence)',
    }),
    proposeDays: opt.int({
      default: 14,
      describe: 'Deadline of a proposed quarantine, in days',
    }),
    targetRate: opt.rate({
      default: 0.02,
      describe: 'A quarantined test is a release candidate once shown below this flake rate',
    }),
    outageShare: opt.percent({
      default: 10,
      describe: "Percent of a leg's tests failing (and 5x its usual share) that makes an outage",
    }),
  },
  examples: [
    [
      'junit-merge "artifacts/**/*.xml" | $0 --history .testgate/history --record | gate-verdict',
      'the gate with flake detection, recording this run',
    ],
    [
      '... | $0 --history "$HISTORY_DATABASE_URL" --record --propose proposals.json',
      'history in Postgres, and quarantine proposals for a bot',
    ],
  ],
  run: (args, io) =>
    withStore(args.history, io.cwd, (store) => detect({ ...args, stream: args._[0] }, store, io)),
});

/** What `flake-detect [stream]` is asked to do. */
export interface DetectRequest {
  stream: string | undefined;
  /** The length of the history window, in milliseconds. */
  window: number;
  record: boolean;
  branch: string | undefined;
  base: string | undefined;
  quarantine: string | undefined;
  propose: string | undefined;
  proposeScore: number;
  proposeDays: number;
  targetRate: number;
  /** Percent. */
  outageShare: number;
}

/**
 * Labels the tests of the stream against the store's history and passes the stream on
 * (stdout); records the run, and writes proposals, when asked.
 */
export async function detect(args: DetectRequest, store: HistoryStore, io: CliIo): Promise<number> {
  const { quarantine, outageShare, window: windowMs } = args;
  const ledger = quarantine
    ? await readLedgerFile(resolve(io.cwd, quarantine), quarantine, {
        ifMissing: (notice) => io.stderr.write(`${TOOL}: ${oneLine(notice)}\n`),
      })
    : undefined;
  let runs = 0;
  const { input, file } = await openStreamInput(args.stream, io, TOOL);
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
      keepEntries: args.record,
      branch: args.branch,
      base: args.base,
      ledger,
      targetRate: args.targetRate,
      proposeScore: args.proposeScore,
      proposeDays: args.proposeDays,
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
    await writeFileAtomically(resolve(io.cwd, args.propose), text);
  }
  await writer.end();
  const c = detector.counts;
  const total = c.stable + c.flaky + c.suspect + c.broken + c.new;
  io.stderr.write(
    `${TOOL}: ${total} tests (${detector.results} results in ${detector.legCount} leg(s)), one label per test: ` +
      `${c.flaky} flaky, ${c.suspect} suspect, ${c.broken} broken, ${c.new} new, ${c.stable} stable` +
      ` (history: ${runs} runs in ${formatTimeSpan(args.window)} from ${store.name}` +
      `${record ? ', this run recorded' : ''})` +
      `${args.propose ? `; ${detector.proposals.length} proposed for quarantine in ${args.propose}` : ''}\n`,
  );
  return ExitCode.ok;
}

/** How far ahead of this machine's clock a recorded run may start. */
const CLOCK_SKEW_MS = 10 * 60_000;
