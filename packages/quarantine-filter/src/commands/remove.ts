import {
  ExitCode,
  command,
  formatLedger,
  opt,
  readLedgerFile,
  withLock,
  writeFileAtomically,
} from '@testgate/stream';
import { removeEntry } from '../entries.js';
import { TOOL } from '../filter.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter remove`: take a test out of quarantine. */
export const removeCommand = command(globalOptions, {
  command: 'remove',
  describe: 'Take a test out of quarantine',
  options: { test: opt.text({ demandOption: true, describe: "The entry's test" }) },
  examples: [["$0 remove --test 'api::retries on timeout'", 'take one test out of quarantine']],
  async run(args, io) {
    const { path, file } = ledgerContext(args, io);
    await withLock(path, `${path}.lock`, true, async () =>
      writeFileAtomically(
        path,
        formatLedger(removeEntry(await readLedgerFile(path, file), args.test)),
      ),
    );
    io.stderr.write(`${TOOL}: removed ${JSON.stringify(args.test)} from ${file}\n`);
    return ExitCode.ok;
  },
});
