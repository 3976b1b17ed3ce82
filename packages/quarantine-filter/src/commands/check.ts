import { ExitCode, ExitError, command, oneLine, readLedgerFile } from '@testgate/stream';
import { listEntries } from '../entries.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter check`: red when an entry is past its deadline. */
export const checkCommand = command(globalOptions, {
  command: 'check',
  describe: 'Exit 1 when an entry is past its deadline (for a scheduled job)',
  options: {},
  examples: [['$0 check', 'in a scheduled job: red when a deadline has passed']],
  async run(args, io) {
    const { path, file, today, ifMissing } = ledgerContext(args, io);
    const entries = listEntries(await readLedgerFile(path, file, { ifMissing }), today);
    const overdue = entries.filter((e) => e.daysLeft < 0);
    if (overdue.length === 0) return ExitCode.ok;
    const lines = overdue.map(
      (e) => `  ${e.test} (owner ${e.owner}): ${-e.daysLeft} day(s) past ${e.deadline}`,
    );
    throw new ExitError(
      ExitCode.red,
      `${overdue.length} quarantine entr${overdue.length === 1 ? 'y is' : 'ies are'} overdue:\n${lines.map(oneLine).join('\n')}`,
      {
        place: { file },
        hint: 'fix each test and remove its entry, or extend its deadline with a reason',
      },
    );
  },
});
