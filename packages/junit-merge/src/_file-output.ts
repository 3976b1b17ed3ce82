import { closeSync, openSync, writeSync } from 'node:fs';
import { type ReplacingFile, type RunRecord, replacingFile, toJsonLine } from '@testgate/stream';
import { TOOL } from './merge.js';

// Same width as any startedAt written later (toISOString of a four-digit year).
const PLACEHOLDER = '0000-01-01T00:00:00.000Z';

/**
 * Writes the stream straight into a regular file, each leg as soon as it is merged,
 * instead of holding every leg until the end: the run record goes first with a
 * placeholder start time of the same width, which is written into place once the
 * earliest timestamp is known. Until then the file has no end record, so a reader sees
 * a stream cut off, never a wrong one.
 */
export class DirectFileOutput {
  /** Written beside the output and put in place when complete: a good file is never cut. */
  readonly #file: ReplacingFile;
  /** Open for the legs' records, which the threads merging them write in order. */
  readonly fd: number;
  readonly #startedAtOffset: number | undefined;

  constructor(path: string, run: RunRecord) {
    this.#file = replacingFile(path);
    this.fd = openSync(this.#file.path, 'w');
    const pending = run.startedAt === undefined;
    const line = toJsonLine(pending ? { ...run, startedAt: PLACEHOLDER } : run, { tool: TOOL });
    if (pending) {
      const at = line.indexOf(`"startedAt":"${PLACEHOLDER}"`) + '"startedAt":"'.length;
      this.#startedAtOffset = Buffer.byteLength(line.slice(0, at));
    }
    writeSync(this.fd, line);
  }

  /** Writes the end record (after the legs' `records`) and, when it was pending, the start time into its place. */
  finish(startedAt: string, records: number): void {
    writeSync(
      this.fd,
      toJsonLine({ type: 'end', tool: TOOL, records: records + 1 }, { tool: TOOL }),
    );
    if (this.#startedAtOffset !== undefined) {
      if (startedAt.length !== PLACEHOLDER.length)
        throw new Error(`startedAt ${startedAt} does not fit its place`);
      writeSync(this.fd, startedAt, this.#startedAtOffset);
    }
    closeSync(this.fd);
    this.#file.commit();
  }

  /** Removes the half-written file (a failure): the output stays as it was. */
  abort(): void {
    closeSync(this.fd);
    this.#file.discard();
  }
}
