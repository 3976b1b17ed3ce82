import { ExitCode, command, oneLine, opt, readLedgerFile } from '@testgate/stream';
import { formatList, listEntries } from '../entries.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter list`: the entries, overdue first. */
export const listCommand = command(globalOptions, {
  command: 'list',
  describe: 'Show the entries, overdue first',
  options: { json: opt.flag({ describe: 'As JSON, with days left' }) },
  examples: [['$0 list', 'who owns what, and how long it has left']],
  async run(args, io) {
    const { path, file, today, ifMissing } = ledgerContext(args, io);
    const entries = listEntries(await readLedgerFile(path, file, { ifMissing }), today);
    io.stdout.write(
      args.json
        ? `${JSON.stringify(entries, null, 2)}\n`
        : formatList(entries).split('\n').map(oneLine).join('\n'),
    );
    return ExitCode.ok;
  },
});
