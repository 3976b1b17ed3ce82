import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type HistoryEntry, writeFileAtomically } from '@testgate/stream';
import { withLock } from '@testgate/stream';
import { readHistoryFile, toLines } from './jsonl-file.js';
import type { HistoryStore } from './store.js';

/**
 * History as one JSON Lines file (`--history history.jsonl`), for a repository that keeps
 * it under version control. Every recording rewrites it under a lock, compacted to the
 * window, atomically (a temporary file, then a rename): jobs that record at the same time
 * wait for each other, and a reader sees the old file or the new one, never half of one.
 */
export class SingleFileStore implements HistoryStore {
  constructor(
    private readonly file: string,
    readonly name: string = file,
  ) {}

  async *read(since: string): AsyncGenerator<HistoryEntry[]> {
    try {
      for await (const batch of readHistoryFile(this.file))
        yield batch.filter((entry) => entry.time >= since);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await this.rewrite(since, entries);
  }

  async prune(since: string): Promise<number> {
    return this.rewrite(since, []);
  }

  async close(): Promise<void> {}

  /** The file without entries before `since`, then `entries`; resolves to how many were dropped. */
  private async rewrite(since: string, entries: HistoryEntry[]): Promise<number> {
    await mkdir(dirname(this.file), { recursive: true });
    const dropped = await withLock(this.file, `${this.file}.lock`, true, async () => {
      let count = 0;
      const kept = this.read('');
      await writeFileAtomically(
        this.file,
        (async function* () {
          for await (const batch of kept) {
            const inWindow = batch.filter((entry) => entry.time >= since);
            count += batch.length - inWindow.length;
            yield toLines(inWindow);
          }
          yield toLines(entries);
        })(),
      );
      return count;
    });
    return dropped ?? 0;
  }
}
