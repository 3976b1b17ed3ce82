import { resolve } from 'node:path';
import {
  type CliIo,
  type HistoryEntry,
  ExitCode,
  UsageError,
  command,
  opt,
  writeFileAtomically,
} from '@testgate/stream';
import { TOOL } from '../detect.js';
import { readHistoryFile } from '../stores/jsonl-file.js';
import type { HistoryStore } from '../stores/store.js';
import { globalOptions, withStore } from './global.js';

/** `flake-detect history`: prune, export or import the history. */
export const historyCommand = command(globalOptions, {
  command: 'history',
  describe: 'Maintain the history',
  options: {
    prune: opt.flag({ describe: 'Drop entries older than the window' }),
    export: opt.flag({ describe: 'Write the entries in the window as JSON Lines' }),
    output: opt.text({ alias: 'o', describe: 'Export to this file' }),
    import: opt.text({
      describe: 'Add the entries of FILE (what --export writes) that fall in the window',
    }),
  },
  examples: [
    ['$0 history --prune --window 30d', 'keep 30 days'],
    ['$0 history --export -o history.jsonl', 'a copy of the window'],
    [
      '$0 history --import old.jsonl --history "$HISTORY_DATABASE_URL"',
      'move a history into Postgres',
    ],
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
  import: string | undefined;
}

/** Prunes the store to the window, exports the window's entries in time order, or imports some. */
export async function maintain(
  args: HistoryRequest,
  store: HistoryStore,
  io: CliIo,
): Promise<number> {
  if ([args.prune, args.export, args.import !== undefined].filter(Boolean).length !== 1)
    throw new UsageError('history needs one of --prune, --export and --import FILE');
  const since = new Date(io.now().getTime() - args.window).toISOString();
  if (args.import !== undefined) {
    const counts = await importEntries(store, resolve(io.cwd, args.import), args.import, since);
    io.stderr.write(
      `${TOOL}: imported ${counts.imported} entries of ${counts.runs} run attempt(s) from ${args.import} into ${store.name}` +
        `; left out ${counts.known} of run attempts the history holds already, ${counts.old} before ${since}\n`,
    );
    return ExitCode.ok;
  }
  if (args.prune) {
    const dropped = await store.prune(since);
    io.stderr.write(`${TOOL}: dropped ${dropped} entries before ${since} from ${store.name}\n`);
    return ExitCode.ok;
  }
  const { output } = args;
  const entries: { time: string; line: string }[] = [];
  for (const batch of (await store.state(since)).entries())
    for (const entry of batch) entries.push({ time: entry.time, line: JSON.stringify(entry) });
  // The store hands entries over in no order: export them in time order, stably.
  entries.sort((a, b) => compare(a.time, b.time) || compare(a.line, b.line));
  const text = entries.map((e) => `${e.line}\n`).join('');
  if (output) await writeFileAtomically(resolve(io.cwd, output), text);
  else io.stdout.write(text);
  return ExitCode.ok;
}

const IMPORT_HINT = 'fix or remove that line, and import again: nothing was imported';
// Entries handed to the store at a time (whole run attempts, so a little more).
const IMPORT_BATCH = 10_000;

/**
 * Adds a file's history entries to the store: only those in the window, and only of run
 * attempts the store does not hold yet, so that importing the same file twice, or runs
 * already recorded, counts nothing twice. The whole file is checked before anything is
 * added: a bad line imports nothing. Each run attempt goes to the store whole, in one
 * append, wherever its entries are in the file: a store takes the entries of an attempt it
 * holds already for a second recording of it, and leaves them out.
 */
async function importEntries(store: HistoryStore, path: string, shown: string, since: string) {
  const attempt = (e: HistoryEntry): string => `${e.run}\u0000${e.attempt}`;
  // Each run attempt's entries in the window, counted while the file is checked.
  const sizes = new Map<string, number>();
  for await (const batch of readHistoryFile(path, shown, IMPORT_HINT))
    for (const entry of batch)
      if (entry.time >= since) sizes.set(attempt(entry), (sizes.get(attempt(entry)) ?? 0) + 1);
  // The run attempts the window holds, keyed as `attempt` keys them.
  const held = new Set((await store.state(since)).runs.keys());
  const counts = { imported: 0, runs: 0, known: 0, old: 0 };
  const gathering = new Map<string, HistoryEntry[]>();
  let pending: HistoryEntry[] = [];
  for await (const batch of readHistoryFile(path, shown, IMPORT_HINT))
    for (const entry of batch) {
      const key = attempt(entry);
      if (entry.time < since) counts.old++;
      else if (held.has(key)) counts.known++;
      else {
        let entries = gathering.get(key);
        if (!entries) gathering.set(key, (entries = []));
        entries.push(entry);
        counts.imported++;
        if (entries.length < sizes.get(key)!) continue;
        gathering.delete(key);
        counts.runs++;
        for (const e of entries) pending.push(e);
        if (pending.length >= IMPORT_BATCH) {
          await store.append(pending, since);
          pending = [];
        }
      }
    }
  if (pending.length > 0) await store.append(pending, since);
  return counts;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
