// A worker thread that merges whole legs: parsing, folding and serialising are CPU work
// that scales with the cores; the main thread only copies the legs' files in order.
import { parentPort } from 'node:worker_threads';
import { type LegSummary, mergeLegToFile } from './_leg-output.js';
import type { ExpectedLeg } from '@testgate/stream';
import { fileSource } from './read-report.js';

/** A leg as it crosses to a worker: plain data, files by absolute and displayed path. */
export interface LegJob {
  index: number;
  name: string;
  files: Array<{ path: string; display: string }>;
  expectation?: ExpectedLeg | undefined;
  unexpected: boolean;
  maxText: number;
  /** Where to write the leg's records. */
  output: string;
}

export type LegJobResult =
  { index: number; summary: LegSummary } | { index: number; error: string };

parentPort?.on('message', (job: LegJob) => {
  const plan = {
    name: job.name,
    sources: job.files.map((f) => fileSource(f.path, f.display)),
    expectation: job.expectation,
    unexpected: job.unexpected,
  };
  mergeLegToFile(plan, { maxText: job.maxText }, job.output).then(
    (summary) => parentPort!.postMessage({ index: job.index, summary } satisfies LegJobResult),
    (error: unknown) =>
      parentPort!.postMessage({
        index: job.index,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies LegJobResult),
  );
});
