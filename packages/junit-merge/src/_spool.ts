import { createReadStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const IN_MEMORY_LIMIT = 16 * 1024 * 1024;

/**
 * Holds serialised output until it can be written in order (the run record goes first,
 * but its start time is only known once every report is read): in memory while small,
 * then in a temporary file, so that a million records never sit in memory at once.
 */
export class Spool {
  #chunks: string[] = [];
  #size = 0;
  #dir: string | undefined;
  #file: FileHandle | undefined;

  async append(text: string): Promise<void> {
    if (!this.#file && this.#size + text.length <= IN_MEMORY_LIMIT) {
      this.#chunks.push(text);
      this.#size += text.length;
      return;
    }
    if (!this.#file) {
      this.#dir = await mkdtemp(join(tmpdir(), 'junit-merge-'));
      this.#file = await open(join(this.#dir, 'spool.jsonl'), 'w+');
      await this.#file.write(this.#chunks.join(''));
      this.#chunks = [];
    }
    await this.#file.write(text);
  }

  /** Everything appended, in order. */
  async *read(): AsyncGenerator<string> {
    if (!this.#file) {
      yield* this.#chunks;
      return;
    }
    await this.#file.close();
    this.#file = undefined;
    yield* createReadStream(join(this.#dir!, 'spool.jsonl'), {
      encoding: 'utf8',
      highWaterMark: 1 << 20,
    });
  }

  async dispose(): Promise<void> {
    await this.#file?.close();
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}
