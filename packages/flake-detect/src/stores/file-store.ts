import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type HistoryEntry, writeFileAtomically } from '@testgate/stream';
import { withLock } from '@testgate/stream';
import { readHistoryFile, toLines } from './jsonl-file.js';
import type { HistoryStore } from './store.js';

/** Segments beyond which an append also compacts the folder into one. */
const MAX_SEGMENTS = 16;

/**
 * History as a folder of JSON Lines segments. Every append writes a segment of its own
 * (a temporary name, then a rename), so jobs that record at the same time never touch
 * the same file; compaction, under a lock, merges the segments into one and drops what
 * fell out of the window. A reader that races a compaction may read an entry twice,
 * which the history index counts once.
 */
export class FileStore implements HistoryStore {
  constructor(
    private readonly dir: string,
    readonly name: string = dir,
  ) {}

  async *read(since: string): AsyncGenerator<HistoryEntry[]> {
    const done = new Set<string>();
    for (;;) {
      const pending = (await this.segments()).filter((s) => !done.has(s));
      if (pending.length === 0) return;
      for (const segment of pending) {
        done.add(segment);
        try {
          for await (const batch of readHistoryFile(join(this.dir, segment)))
            yield batch.filter((entry) => entry.time >= since);
        } catch (error) {
          // Compacted away since the listing: its entries are in a newer segment.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.writeSegment([toLines(entries)]);
    const segments = await this.segments();
    const oldest = await this.oldestTime(segments);
    if (segments.length > MAX_SEGMENTS || (oldest !== undefined && oldest < since))
      await this.compact(since, { wait: false });
  }

  async prune(since: string): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    return (await this.compact(since, { wait: true })) ?? 0;
  }

  async close(): Promise<void> {}

  private async segments(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith('.jsonl')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Writes a new segment from text chunks; none when there is nothing to write. */
  private async writeSegment(chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
    const name = `${new Date().toISOString().replace(/[:.]/g, '')}-${randomBytes(6).toString('hex')}.jsonl`;
    if ((await writeFileAtomically(join(this.dir, name), chunks)) === 0)
      await rm(join(this.dir, name), { force: true });
  }

  /** The time of the first entry of the oldest segment: compaction keeps segments in time order. */
  private async oldestTime(segments: string[]): Promise<string | undefined> {
    const first = segments[0];
    if (first === undefined) return undefined;
    try {
      if ((await stat(join(this.dir, first))).size === 0) return undefined;
      for await (const batch of readHistoryFile(join(this.dir, first)))
        if (batch[0]) return batch[0].time;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return undefined;
  }

  /** Merges every segment into one, without entries before `since`; undefined when another process holds the lock. */
  private compact(since: string, { wait }: { wait: boolean }): Promise<number | undefined> {
    return withLock(this.dir, join(this.dir, '.compact.lock'), wait, async () => {
      const segments = await this.segments();
      const dir = this.dir;
      let dropped = 0;
      // Streamed, segment after segment (each in time order, the oldest first), so that
      // compaction needs no more memory than a read chunk.
      await this.writeSegment(
        (async function* () {
          for (const segment of segments)
            for await (const batch of readHistoryFile(join(dir, segment))) {
              const kept = batch.filter((entry) => entry.time >= since);
              dropped += batch.length - kept.length;
              yield toLines(kept);
            }
        })(),
      );
      await Promise.all(segments.map((s) => rm(join(this.dir, s), { force: true })));
      return dropped;
    });
  }
}
