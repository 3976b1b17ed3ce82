import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LegTarget, appendFile } from './_leg-sink.js';

/**
 * Puts the legs' records into the output in leg order while they are merged at once on
 * several threads. With an output file, the thread merging the leg at the front writes it
 * straight in (see LegSink) and a leg that finishes before its turn waits in its
 * temporary file, copied here when the front reaches it. Without one (stdout: the run
 * record, which goes first, is only known once every report is read) every leg waits in
 * its file until `read`; so a million records never sit in memory at once.
 */
export class LegFiles {
  readonly #dir = mkdtempSync(join(tmpdir(), 'junit-merge-'));
  readonly #fd: number | undefined;
  readonly #front = new Int32Array(new SharedArrayBuffer(4));
  readonly #waiting = new Set<number>();

  constructor(fd?: number) {
    this.#fd = fd;
  }

  /** Where leg `index`'s records go. */
  target(index: number): LegTarget {
    return { temp: this.#path(index), fd: this.#fd, front: this.#front };
  }

  /** Leg `index` is merged: `written` into the output, or waiting in its file. */
  finished(index: number, written: boolean): void {
    if (!written) this.#waiting.add(index);
    if (this.#fd === undefined) return;
    for (let front = Atomics.load(this.#front, 0); this.#waiting.has(front); front++) {
      this.#waiting.delete(front);
      appendFile(this.#fd, this.#path(front));
      Atomics.store(this.#front, 0, front + 1);
    }
  }

  /** The first `count` legs' bytes, in order (without an output file). */
  async *read(count: number): AsyncGenerator<Buffer> {
    for (let index = 0; index < count; index++) {
      yield* createReadStream(this.#path(index), {
        highWaterMark: 1 << 20,
      }) as AsyncIterable<Buffer>;
    }
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #path(index: number): string {
    return join(this.#dir, `${index}.jsonl`);
  }
}
