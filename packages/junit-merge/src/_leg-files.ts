import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary file per leg, holding its serialised records until they can be written
 * in order: the run record goes first, but its start time is only known once every
 * report is read. So a million records never sit in memory at once.
 */
export class LegFiles {
  readonly #dir = mkdtempSync(join(tmpdir(), 'junit-merge-'));

  path(index: number): string {
    return join(this.#dir, `${index}.jsonl`);
  }

  /** The first `count` legs' bytes, in order. */
  async *read(count: number): AsyncGenerator<Buffer> {
    for (let index = 0; index < count; index++) {
      yield* createReadStream(this.path(index), {
        highWaterMark: 1 << 20,
      }) as AsyncIterable<Buffer>;
    }
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
