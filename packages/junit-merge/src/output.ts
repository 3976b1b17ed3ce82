import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import {
  type CliIo,
  PipeClosedError,
  type TestgateRecord,
  UsageError,
  cleanupOnSignal,
  replacingFile,
} from '@testgate/stream';
import { toJunitXml } from './junit-xml.js';

/** Where the merged stream goes: stdout, or a file put in place only once it is whole. */
interface Output {
  stream: Writable;
  /** The output is complete. */
  commit(): void;
  /** The merge failed: a file named with `-o` stays as it was. */
  discard(): void;
}

/**
 * Runs `write` on the output, stdout or the file `path`: the file takes the place of what
 * was there only once `write` is done; a failure or a signal leaves it as it was.
 */
export async function intoOutput(
  path: string | undefined,
  io: CliIo,
  write: (output: Writable) => Promise<void>,
): Promise<void> {
  const out = openOutput(path, io);
  const release = cleanupOnSignal(() => out.discard());
  try {
    await write(out.stream);
    out.commit();
  } catch (error) {
    out.discard();
    throw error;
  } finally {
    release();
  }
}

function openOutput(path: string | undefined, io: CliIo): Output {
  if (path === undefined || path === '-')
    return { stream: io.stdout as Writable, commit: () => {}, discard: () => {} };
  const file = replacingFile(resolve(io.cwd, path));
  let fd: number;
  try {
    fd = openSync(file.path, 'w');
  } catch (error) {
    throw new UsageError(
      `--output ${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  // Written in place as it comes: from the page cache a write costs less than a trip
  // through the thread pool, and the merge has nothing else to do meanwhile.
  const stream = new Writable({
    // Lines go to the file as they are: writeSync encodes a string on its way.
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      try {
        if (typeof chunk === 'string') writeSync(fd, chunk);
        else writeSync(fd, chunk);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return {
    stream,
    commit: () => {
      closeSync(fd);
      file.commit();
    },
    discard: () => {
      closeSync(fd);
      file.discard();
    },
  };
}

/** Writes the records as one merged JUnit XML document. */
export async function writeJunit(
  records: AsyncIterable<TestgateRecord>,
  output: Writable,
): Promise<void> {
  // A reader that went away (`| head`) ends the run quietly; a drain that never comes
  // would leave the process waiting on nothing.
  const failed = new Promise<never>((_, fail) =>
    output.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EPIPE' ? new PipeClosedError() : error),
    ),
  );
  failed.catch(() => {});
  for await (const piece of toJunitXml(records)) {
    if (!output.write(piece)) await Promise.race([once(output, 'drain'), failed]);
  }
}
