import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type HistoryEntry, withLock, writeFileAtomically } from '@testgate/stream';
import { HistoryState } from '../history-state.js';
import { readHistoryFile, toLines } from './jsonl-file.js';
import { readStateFile, stateText } from './state-file.js';
import type { HistoryStore } from './store.js';

/** Segments of entries beyond which an append also folds them into the state. */
const MAX_SEGMENTS = 16;
/** The ending of a state file; segments of entries end in `.jsonl` alone. */
const STATE = '.state.jsonl';
/** Reads in a row that may find a segment gone (another job's compaction) before giving up. */
const READ_TRIES = 5;

/**
 * History as a folder: the per-test state (a `.state.jsonl` file, history-state.schema.json)
 * and segments of the entries recorded since. Every append writes a segment of its own (a
 * temporary name, then a rename), so jobs that record at the same time never touch the
 * same file; compaction, under a lock, folds the segments into a new state without what
 * fell out of the window, and the state names the segments it folded, so that a reader
 * that finds them still there leaves them out. A folder of segments alone (as earlier
 * versions wrote it) is read the same way, and becomes a state at its first compaction.
 */
export class FileStore implements HistoryStore {
  constructor(
    private readonly dir: string,
    readonly name: string = dir,
  ) {}

  async state(since: string): Promise<HistoryState> {
    return (await this.load(since)).state;
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.writeFile(`${stamp()}.jsonl`, [toLines(entries)]);
    const { segments } = await this.files();
    if (segments.length > MAX_SEGMENTS) await this.compact(since, { wait: false });
  }

  async prune(since: string): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    return (await this.compact(since, { wait: true })) ?? 0;
  }

  async close(): Promise<void> {}

  /** The newest state file and the segments of entries, each in the order written. */
  private async files(): Promise<{
    newest: string | undefined;
    states: string[];
    segments: string[];
  }> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((f) => f.endsWith('.jsonl')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') names = [];
      else throw error;
    }
    const states = names.filter((f) => f.endsWith(STATE));
    return { newest: states.at(-1), states, segments: names.filter((f) => !f.endsWith(STATE)) };
  }

  /**
   * The state of the window: the newest state file, then the segments it did not fold.
   * A segment that a compaction removed meanwhile is in a newer state: read again.
   */
  private async load(
    since: string,
  ): Promise<{ state: HistoryState; segments: string[]; states: string[] }> {
    for (let tries = 1; ; tries++) {
      const files = await this.files();
      const state = new HistoryState();
      try {
        const folded = new Set(
          files.newest === undefined
            ? []
            : await readStateFile(join(this.dir, files.newest), state),
        );
        for (const segment of files.segments)
          if (!folded.has(segment))
            for await (const batch of readHistoryFile(join(this.dir, segment))) state.add(batch);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || tries === READ_TRIES) throw error;
        continue;
      }
      state.expire(since);
      return { state, segments: files.segments, states: files.states };
    }
  }

  /** Writes a file from text chunks, under a temporary name first; none when there is nothing to write. */
  private async writeFile(name: string, chunks: Iterable<string>): Promise<void> {
    if ((await writeFileAtomically(join(this.dir, name), chunks)) === 0)
      await rm(join(this.dir, name), { force: true });
  }

  /**
   * Folds every segment into a new state without what is before `since`, then removes
   * what it replaces; resolves to the outcomes dropped, undefined when another process
   * holds the lock.
   */
  private compact(since: string, { wait }: { wait: boolean }): Promise<number | undefined> {
    return withLock(this.dir, join(this.dir, '.compact.lock'), wait, async () => {
      const { state, segments, states } = await this.loadAll();
      const before = state.size;
      state.expire(since);
      await this.writeFile(`${stamp()}${STATE}`, stateText(state, segments));
      await Promise.all(
        [...segments, ...states].map((f) => rm(join(this.dir, f), { force: true })),
      );
      return before - state.size;
    });
  }

  /** Everything the folder holds, nothing expired yet. */
  private loadAll() {
    return this.load(new Date(0).toISOString());
  }
}

/** A file name that sorts by the time it was written, unique across jobs. */
function stamp(): string {
  return `${new Date().toISOString().replace(/[:.]/g, '')}-${randomBytes(6).toString('hex')}`;
}
