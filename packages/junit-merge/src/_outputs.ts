import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import {
  type CliIo,
  PipeClosedError,
  RecordWriter,
  type TestgateRecord,
  UsageError,
  readLineBatches,
  replacingFile,
} from '@testgate/stream';
import { toJunitXml } from './junit-xml.js';
import { TOOL } from './merge.js';

export async function writeStream(
  run: TestgateRecord,
  legs: AsyncIterable<Buffer>,
  count: number,
  output: NodeJS.WritableStream,
): Promise<void> {
  const writer = new RecordWriter(output as Writable, { tool: TOOL });
  await writer.write(run);
  let first = true;
  for await (const chunk of legs) {
    await writer.writeBytes(chunk, first ? count : 0);
    first = false;
  }
  await writer.end();
}

export async function writeJunit(
  run: TestgateRecord,
  legs: AsyncIterable<Buffer>,
  output: NodeJS.WritableStream,
): Promise<void> {
  async function* records(): AsyncGenerator<TestgateRecord> {
    yield run;
    for await (const lines of readLineBatches(legs))
      for (const line of lines) yield JSON.parse(line) as TestgateRecord;
  }
  // A reader that went away (`| head`) ends the run quietly; a drain that never comes
  // would leave the process waiting on nothing.
  const failed = new Promise<never>((_, fail) =>
    output.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'EPIPE' ? new PipeClosedError() : error),
    ),
  );
  failed.catch(() => {});
  for await (const piece of toJunitXml(records())) {
    if (!output.write(piece)) await Promise.race([once(output, 'drain'), failed]);
  }
}

export async function openOutput(
  path: string | undefined,
  io: CliIo,
): Promise<{ stream: NodeJS.WritableStream; close: () => Promise<void>; abort: () => void }> {
  if (path === undefined || path === '-')
    return { stream: io.stdout, close: async () => {}, abort: () => {} };
  const file = replacingFile(resolve(io.cwd, path));
  const stream = createWriteStream(file.path);
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (error) =>
      fail(
        new UsageError(
          `--output ${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? error.message})`,
        ),
      ),
    );
  });
  return {
    stream,
    close: async () => {
      await finished(stream.end());
      file.commit();
    },
    abort: () => {
      stream.destroy();
      file.discard();
    },
  };
}
