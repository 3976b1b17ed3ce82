// A worker thread that merges whole legs: parsing, folding and serialising are CPU work
// that scales with the cores. The main thread writes what it hands back, in leg order.
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import type { DiagnosticRecord, ExpectedLeg, LegRecord } from '@testgate/stream';
import { type LinesPiece, mergeLegOutput } from './legs-in-order.js';
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
  | { piece: LinesPiece }
  | { end: true }
  | { error: string }
);

// The memory of a piece, that many lines in UTF-8: big enough that a message costs
// nothing per record. A line that does not fit in a fresh one gets a piece of its own.
const PIECE_BYTES = 1 << 20;
const GATHER_CHARS = 1 << 16;

/** Where the pieces' memory comes back once the main thread has written it. */
const spare = (workerData as { spare: MessagePort }).spare;

/** Memory for a piece: one the main thread gave back, if any. */
function memoryFor(bytes: number): Buffer {
  if (bytes > PIECE_BYTES) return Buffer.allocUnsafeSlow(bytes);
  const back = receiveMessageOnPort(spare);
  return back ? Buffer.from(back.message as ArrayBuffer) : Buffer.allocUnsafeSlow(PIECE_BYTES);
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
  const { leg, diagnostics, lines: all } = await mergeLegOutput(plan, { maxText: job.maxText });
  post({ index: job.index, leg, diagnostics });
  // Lines are gathered into a string first: one encoding of many costs less than one each.
  let memory: Buffer | undefined;
  let used = 0;
  let records = 0;
  let lines = '';
  let gathered = 0;
  const flush = (): void => {
    if (memory === undefined) return;
    const bytes = memory.subarray(0, used);
    post({ index: job.index, piece: { lines: bytes, records } }, [memory.buffer as ArrayBuffer]);
    memory = undefined;
  };
  const encode = (): void => {
    // Three bytes a character at most: the exact count only when near the end.
    const room = (memory?.length ?? 0) - used;
    if (lines.length * 3 > room && Buffer.byteLength(lines) > room) {
      flush();
      memory = memoryFor(Buffer.byteLength(lines));
      used = 0;
      records = 0;
    }
    used += memory!.write(lines, used);
    records += gathered;
    lines = '';
    gathered = 0;
  };
  for (const line of all as Iterable<string>) {
    lines += line;
    gathered++;
    if (lines.length >= GATHER_CHARS) encode();
  }
  if (gathered > 0) encode();
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
