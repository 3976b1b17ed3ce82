import { resolve } from 'node:path';
import {
  type CliIo,
  ExitCode,
  UsageError,
  command,
  opt,
  writeFileAtomically,
} from '@testgate/stream';
import { TOOL } from '../detect.js';
import type { HistoryStore } from '../stores/store.js';
import { globalOptions, withStore } from './global.js';

/** `flake-detect history`: prune or export the history. */
export const historyCommand = command(globalOptions, {
  command: 'history',
  describe: 'Maintain the history',
  options: {
    prune: opt.flag({ describe: 'Drop entries older than the window' }),
    export: opt.flag({ describe: 'Write the entries in the window as JSON Lines' }),
    output: opt.text({ alias: 'o', describe: 'Export to this file' }),
  },
  examples: [
    ['$0 history --prune --window 30d', 'keep 30 days'],
    ['$0 history --export -o history.jsonl', 'a copy of the window'],
  ],
  run: (args, io) => withStore(args.history, io.cwd, (store) => maintain(args, store, io)),
});

/** What `flake-detect history` is asked to do. */
export interface HistoryRequest {
  /** The length of the history window, in milliseconds. */
  window: number;
  prune: boolean;
  export: boolean;
  output: string | undefined;
}

/** Prunes the store to the window, or exports the window's entries in time order. */
export async function maintain(
  args: HistoryRequest,
  store: HistoryStore,
  io: CliIo,
): Promise<number> {
  if (args.prune === args.export) throw new UsageError('history needs --prune or --export');
  const since = new Date(io.now().getTime() - args.window).toISOString();
  if (args.prune) {
    const dropped = await store.prune(since);
    io.stderr.write(`${TOOL}: dropped ${dropped} entries before ${since} from ${store.name}\n`);
    return ExitCode.ok;
  }
  const { output } = args;
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
