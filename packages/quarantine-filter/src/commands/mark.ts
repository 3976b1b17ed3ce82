import {
  ExitCode,
  RecordWriter,
  command,
  openStreamInput,
  opt,
  readLedgerFile,
  readRecords,
} from '@testgate/stream';
import { TOOL, applyQuarantine } from '../filter.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter [stream]`: mark the quarantined tests of a stream and pass it on. */
export const markCommand = command(globalOptions, {
  command: '$0 [stream]',
  describe: 'Mark the quarantined tests of a stream (file or stdin) and pass it on',
  positionals: { stream: 'A testgate stream; stdin when left out' },
  options: {
    expired: opt.oneOf(['fail', 'warn'], {
      default: 'fail',
      describe: 'fail: an expired entry blocks again (error); warn: still excused (warning)',
    }),
    maxExcused: opt.int({
      min: 0,
      default: 10,
      describe: 'More excused failures than this in one run withdraws the excuse',
    }),
    massFailure: opt.percent({
      default: 30,
      describe: 'Percent of tests failing outside quarantine that makes a run a mass failure',
    }),
  },
  examples: [
    [
      'junit-merge "artifacts/**/*.xml" | $0 --file quarantine.json | gate-verdict',
      'the gate with a quarantine',
    ],
  ],
  async run(args, io) {
    const { path, file, today, ifMissing } = ledgerContext(args, io);
    const ledger = await readLedgerFile(path, file, { ifMissing });
    const { input, file: source } = await openStreamInput(args._[0], io, TOOL);
    const writer = new RecordWriter(io.stdout, { tool: TOOL });
    const { expired, maxExcused } = args;
    const options = { today, expired, maxExcused, massFailure: args.massFailure / 100 };
    await writer.writeAll(applyQuarantine(readRecords(input, { file: source }), ledger, options));
    await writer.end();
    return ExitCode.ok;
  },
});
