import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type HistoryEntry, withLock, writeFileAtomically } from '@testgate/stream';
import { HistoryState } from '../history-state.js';
import { readHistoryFile } from './jsonl-file.js';
import { holdsState, readStateFile, stateText } from './state-file.js';
import type { HistoryStore } from './store.js';

/**
 * History as one file (`--history history.jsonl`), for a repository that keeps it under
 * version control: the per-test state (history-state.schema.json). Every recording
 * rewrites it under a lock, without what fell out of the window, atomically (a temporary
 * file, then a rename): jobs that record at the same time wait for each other, and a
 * reader sees the old file or the new one, never half of one. A file of history entries
 * (as earlier versions wrote it) is read the same way, and becomes a state when next
 * written.
 */
export class SingleFileStore implements HistoryStore {
  constructor(
    private readonly file: string,
    readonly name: string = file,
  ) {}

  async state(since: string): Promise<HistoryState> {
    const state = await this.load();
    state.expire(since);
    return state;
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await this.rewrite(since, entries);
  }

  async prune(since: string): Promise<number> {
    return this.rewrite(since, []);
  }

  async close(): Promise<void> {}

  /** Everything the file holds; nothing when there is no file. */
  private async load(): Promise<HistoryState> {
    const state = new HistoryState();
    try {
      if (await holdsState(this.file)) await readStateFile(this.file, state);
      else for await (const batch of readHistoryFile(this.file)) state.add(batch);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return state;
  }

  /** The file with `entries` added, without what is before `since`; resolves to the outcomes dropped. */
  private async rewrite(since: string, entries: HistoryEntry[]): Promise<number> {
    await mkdir(dirname(this.file), { recursive: true });
    const dropped = await withLock(this.file, `${this.file}.lock`, true, async () => {
      const state = await this.load();
      state.add(entries);
      const before = state.size;
      state.expire(since);
      await writeFileAtomically(this.file, stateText(state, []));
      return before - state.size;
    });
    return dropped ?? 0;
  }
}
