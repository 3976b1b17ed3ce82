import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
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
  try {
    // pipeline: an error on either side (a missing folder, a failing source) rejects,
    // whenever it comes.
    await pipeline(counted, createWriteStream(temporary));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}
