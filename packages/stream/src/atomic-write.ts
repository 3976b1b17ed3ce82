import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `file` atomically: a temporary file beside it, then a rename over it, so that a
 * reader sees the old content or the new, never half of it (a device or FIFO is written
 * directly: see replacingFile). `content` may come in chunks (written with back-pressure).
 * Resolves to the bytes written.
 */
export async function writeFileAtomically(
  file: string,
  content: string | Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const target = replacingFile(file);
  let bytes = 0;
  async function* counted(): AsyncGenerator<string> {
    for await (const chunk of typeof content === 'string' ? [content] : content) {
      bytes += Buffer.byteLength(chunk);
      yield chunk;
    }
  }
  // Opened before anything is written: a stream that opened its file by itself could
  // create it after a failure was already cleaned up, and leave it behind.
  const handle = await open(target.path, 'w');
  try {
    // pipeline: an error on either side (a full disk, a failing source) rejects, whenever
    // it comes.
    await pipeline(counted, handle.createWriteStream());
    target.commit();
  } catch (error) {
    await handle.close().catch(() => {});
    target.discard();
    // A failed write of the handle names no path: the file it was for is the one to name.
    const failure = error as NodeJS.ErrnoException;
    if (failure.syscall !== undefined && failure.path === undefined) failure.path = file;
    throw error;
  }
  return bytes;
}

/** Where to write a file that replaces `file` only once it is complete. */
export interface ReplacingFile {
  /** The path to write: a temporary file beside `file`, or `file` itself (see below). */
  path: string;
  /** Puts the written file in place. */
  commit(): void;
  /** Removes what was written, and leaves `file` as it was. */
  discard(): void;
}

/**
 * A temporary file beside `file` that becomes it on `commit`, so that a failed or stopped
 * write never leaves an empty or cut file where a good one stood. A path that exists and
 * is no regular file (a device such as /dev/stdout, a FIFO) is written directly.
 */
export function replacingFile(file: string): ReplacingFile {
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing !== undefined && !existing.isFile())
    return { path: file, commit: () => {}, discard: () => {} };
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  return {
    path: temporary,
    commit: () => renameSync(temporary, file),
    discard: () => rmSync(temporary, { force: true }),
  };
}
