import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestgateRecord, readLineBatches } from '@testgate/stream';

/**
 * Where the detector keeps a run's records between reading the run whole and labelling
 * each test: a test's one label weighs every leg it ran in, so none can be labelled before
 * the last leg is read.
 */
export interface RecordSpill {
  write(record: TestgateRecord): void;
  /** The records written, in order; once. */
  replay(): AsyncIterable<TestgateRecord>;
  dispose(): void;
}

/** Keeps the records in memory: for a library caller with small runs. */
export function memorySpill(): RecordSpill {
  let kept: TestgateRecord[] = [];
  return {
    write: (record) => void kept.push(record),
    async *replay() {
      yield* kept;
    },
    dispose: () => {
      kept = [];
    },
  };
}

const FLUSH_AT = 1 << 20;

/** Keeps the records in a temporary file, as JSON Lines: memory does not grow with the run. */
export function fileSpill(): RecordSpill {
  const dir = mkdtempSync(join(tmpdir(), 'flake-detect-'));
  const path = join(dir, 'run.jsonl');
  const fd = openSync(path, 'w');
  let pending: string[] = [];
  let size = 0;
  let open = true;
  const flush = (): void => {
    if (pending.length === 0) return;
    writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  const close = (): void => {
    if (!open) return;
    open = false;
    flush();
    closeSync(fd);
  };
  return {
    write(record) {
      const line = `${JSON.stringify(record)}\n`;
      pending.push(line);
      size += line.length;
      if (size >= FLUSH_AT) flush();
    },
    async *replay() {
      close();
      for await (const lines of readLineBatches(createReadStream(path), path))
        for (const line of lines) if (line !== '') yield JSON.parse(line) as TestgateRecord;
    },
    dispose() {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
