import { resolve } from 'node:path';
import { type CliIo, oneLine, opt, utcDay } from '@testgate/stream';
import { TOOL } from '../filter.js';

/** The options every command takes. */
export const globalOptions = {
  file: opt.text({ alias: 'f', default: 'quarantine.json', describe: 'The ledger' }),
  today: opt.isoDate({ describe: 'Today as YYYY-MM-DD, UTC (default: the clock)' }),
};

/** Where the ledger is, what day it is, and how to say that no ledger exists yet. */
export function ledgerContext(args: { file: string; today: string | undefined }, io: CliIo) {
  return {
    file: args.file,
    path: resolve(io.cwd, args.file),
    today: args.today ?? utcDay(io.now()),
    ifMissing: (notice: string) => io.stderr.write(`${TOOL}: ${oneLine(notice)}\n`),
  };
}
