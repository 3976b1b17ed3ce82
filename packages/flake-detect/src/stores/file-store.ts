import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type HistoryEntry, InputError, validateHistoryEntry } from '@testgate/stream';
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
          for await (const batch of this.readSegment(segment))
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

  /** A segment's entries, validated, in batches of a read chunk's lines. */
  private async *readSegment(segment: string): AsyncGenerator<HistoryEntry[]> {
    const file = join(this.dir, segment);
    let line = 0;
    let rest = '';
    const parse = (text: string, batch: HistoryEntry[]) => {
      line++;
      if (text === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw damaged(file, line, 'not JSON');
      }
      const valid = validateHistoryEntry(value);
      if (!valid.ok) throw damaged(file, line, valid.problem);
      batch.push(value as HistoryEntry);
    };
    for await (const chunk of createReadStream(file, {
      encoding: 'utf8',
      highWaterMark: 1 << 20,
    })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop()!;
      const batch: HistoryEntry[] = [];
      for (const text of lines) parse(text, batch);
      yield batch;
    }
    if (rest !== '') {
      const batch: HistoryEntry[] = [];
      parse(rest, batch);
      yield batch;
    }
  }

  /** Writes a new segment from text chunks: a temporary name, then a rename; none when empty. */
  private async writeSegment(chunks: Iterable<string> | AsyncIterable<string>): Promise<void> {
    const name = `${new Date().toISOString().replace(/[:.]/g, '')}-${randomBytes(6).toString('hex')}`;
    const temporary = join(this.dir, `.${name}.tmp`);
    const out = createWriteStream(temporary);
    let bytes = 0;
    try {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
    } catch (error) {
      out.destroy();
      await rm(temporary, { force: true });
      throw error;
    }
    if (bytes === 0) await rm(temporary, { force: true });
    else await rename(temporary, join(this.dir, `${name}.jsonl`));
  }

  /** The time of the first entry of the oldest segment: compaction keeps segments in time order. */
  private async oldestTime(segments: string[]): Promise<string | undefined> {
    const first = segments[0];
    if (first === undefined) return undefined;
    try {
      if ((await stat(join(this.dir, first))).size === 0) return undefined;
      for await (const batch of this.readSegment(first)) if (batch[0]) return batch[0].time;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return undefined;
  }

  /** Merges every segment into one, without entries before `since`; undefined when another process holds the lock. */
  private async compact(since: string, { wait }: { wait: boolean }): Promise<number | undefined> {
    const { default: lockfile } = await import('proper-lockfile');
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.dir, {
        lockfilePath: join(this.dir, '.compact.lock'),
        stale: 30_000,
        retries: wait ? { retries: 60, minTimeout: 100, maxTimeout: 1000 } : 0,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED' && !wait) return undefined;
      throw error;
    }
    try {
      const segments = await this.segments();
      let dropped = 0;
      const readSegment = this.readSegment.bind(this);
      // Streamed, segment after segment (each in time order, the oldest first), so that
      // compaction needs no more memory than a read chunk.
      await this.writeSegment(
        (async function* () {
          for (const segment of segments)
            for await (const batch of readSegment(segment)) {
              const kept = batch.filter((entry) => entry.time >= since);
              dropped += batch.length - kept.length;
              yield toLines(kept);
            }
        })(),
      );
      await Promise.all(segments.map((s) => rm(join(this.dir, s), { force: true })));
      return dropped;
    } finally {
      await release();
    }
  }
}

function damaged(file: string, line: number, problem: string): InputError {
  return new InputError(
    `history entry ${problem}`,
    { file, line },
    'the history is damaged: remove that line (or the file) and record again',
  );
}

function toLines(entries: HistoryEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}
