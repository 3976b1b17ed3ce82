import {
  ExitCode,
  command,
  formatLedger,
  opt,
  readLedgerFile,
  usageFor,
  withLock,
  writeFileAtomically,
} from '@testgate/stream';
import { addEntry } from '../entries.js';
import { TOOL } from '../filter.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter add`: quarantine a test. */
export const addCommand = command(globalOptions, {
  command: 'add',
  describe: 'Quarantine a test, with an owner, a reason and a deadline',
  options: {
    test: opt.text({ describe: 'Test id, or a glob over ids with *' }),
    owner: opt.text({ describe: 'Who fixes it' }),
    reason: opt.text({ describe: 'Why it is quarantined' }),
    days: opt.int({ describe: 'Deadline in days from today' }),
    deadline: opt.isoDate({ describe: 'Deadline, YYYY-MM-DD' }),
    issue: opt.text({ describe: 'Link to the issue that tracks the fix' }),
    legs: opt.texts({ array: true, describe: 'Only in legs matching these globs' }),
    maxDays: opt.int({ default: 30, describe: 'Longest allowed quarantine' }),
  },
  examples: [
    [
      "$0 add --test 'api::retries on timeout' --owner team-api --reason 'races the mock clock' --days 14",
      'quarantine one test for two weeks',
    ],
  ],
  async run(args, io) {
    const { path, file, today } = ledgerContext(args, io);
    // Under the ledger's lock, read, add and rename: parallel adds lose nothing.
    const next = (await withLock(path, `${path}.lock`, true, async () => {
      const ledger = await readLedgerFile(path, file, { ifMissing: () => {} });
      let added;
      try {
        added = addEntry(ledger, args, today, args.maxDays);
      } catch (error) {
        throw usageFor('--', error);
      }
      await writeFileAtomically(path, formatLedger(added));
      return added;
    }))!;
    const until = next.quarantined.at(-1)!.deadline;
    io.stderr.write(
      `${TOOL}: quarantined ${JSON.stringify(args.test)} until ${until} in ${file}\n`,
    );
    return ExitCode.ok;
  },
});
