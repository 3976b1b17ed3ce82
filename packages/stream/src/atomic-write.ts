import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Writes `file` atomically: a temporary file beside it, then a rename over it, so that a
 * reader sees the old content or the new, never half of it. `content` may come in chunks
 * (written with back-pressure). Resolves to the bytes written.
 */
export async function writeFileAtomically(
  file: string,
  content: string | Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let bytes = 0;
  async function* counted(): AsyncGenerator<string> {
    for await (const chunk of typeof content === 'string' ? [content] : content) {
      bytes += Buffer.byteLength(chunk);
      yield chunk;
    }
  }
  // Opened before anything is written: a stream that opened its file by itself could
  // create it after a failure was already cleaned up, and leave it behind.
  const handle = await open(temporary, 'w');
  try {
    // pipeline: an error on either side (a full disk, a failing source) rejects, whenever
    // it comes.
    await pipeline(counted, handle.createWriteStream());
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}
