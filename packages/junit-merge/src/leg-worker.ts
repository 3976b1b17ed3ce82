// A worker thread that merges whole legs: parsing, folding and serialising are CPU work
// that scales with the cores. The main thread writes what it hands back, in leg order.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import type { DiagnosticRecord, ExpectedLeg, LegRecord } from '@testgate/stream';
import { type LinesPiece, legText } from './legs-in-order.js';
import { mergeLeg } from './merge.js';
import { fileSource } from './read-report.js';

/** A leg as it crosses to a worker: plain data, files by absolute and displayed path. */
export interface LegJob {
  index: number;
  name: string;
  files: Array<{ path: string; display: string }>;
  expectation?: ExpectedLeg | undefined;
  unexpected: boolean;
  maxText: number;
}

/** What a worker hands back of a leg: its record, its lines in pieces, its end; or why not. */
export type LegMessage = { index: number } & (
  | { leg: LegRecord; diagnostics: DiagnosticRecord[] }
  | { piece: LinesPiece & { lines: Uint8Array }; reused: boolean }
  | { end: true }
  | { error: string }
);

// The memory of a piece, that many lines in UTF-8: big enough that a message costs
// nothing per record. Lines that do not fit in a fresh one get a piece of their own.
const PIECE_BYTES = 1 << 20;

/** Where the pieces' memory comes back once the main thread has written it. */
const spare = (workerData as { spare: MessagePort }).spare;

/** Memory for a piece: one the main thread gave back, if any (`reused`). */
function memoryFor(bytes: number): { memory: Buffer; reused: boolean } {
  if (bytes > PIECE_BYTES) return { memory: Buffer.allocUnsafeSlow(bytes), reused: false };
  const back = receiveMessageOnPort(spare);
  return back
    ? { memory: Buffer.from(back.message as ArrayBuffer), reused: true }
    : { memory: Buffer.allocUnsafeSlow(PIECE_BYTES), reused: false };
}

async function merge(job: LegJob): Promise<void> {
  const post = (message: LegMessage, transfer: ArrayBuffer[] = []): void =>
    parentPort!.postMessage(message, transfer);
  const plan = {
    name: job.name,
    sources: job.files.map((f) => fileSource(f.path, f.display)),
    expectation: job.expectation,
    unexpected: job.unexpected,
  };
  const batch = await mergeLeg(plan, { maxText: job.maxText });
  post({ index: job.index, leg: batch.leg, diagnostics: batch.diagnostics });
  let memory: Buffer | undefined;
  let reused = false;
  let used = 0;
  let records = 0;
  const flush = (): void => {
    if (memory === undefined) return;
    const piece = { lines: memory.subarray(0, used), records };
    post({ index: job.index, piece, reused }, [memory.buffer as ArrayBuffer]);
    memory = undefined;
  };
  for (const { text, records: count } of legText(batch)) {
    // Three bytes a character at most: the exact count only when near the end.
    const room = (memory?.length ?? 0) - used;
    if (text.length * 3 > room && Buffer.byteLength(text) > room) {
      flush();
      ({ memory, reused } = memoryFor(Buffer.byteLength(text)));
      used = 0;
      records = 0;
    }
    used += memory!.write(text, used);
    records += count;
  }
  flush();
  post({ index: job.index, end: true });
}

parentPort?.on('message', (job: LegJob) => {
  merge(job).catch((error: unknown) =>
    parentPort!.postMessage({
      index: job.index,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies LegMessage),
  );
});
