// A worker thread that merges whole legs: parsing, folding and serialising are CPU work
// that scales with the cores; a leg at the front goes straight into the output.
import { parentPort } from 'node:worker_threads';
import { type LegSummary, mergeLegInto } from './_leg-output.js';
import { type LegTarget, LegSink } from './_leg-sink.js';
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
  /** Where the leg's records go. */
  target: LegTarget;
}

/** A merged leg: its summary, and whether it is in the output or waits in its file. */
export type LegJobResult =
  { index: number; summary: LegSummary; written: boolean } | { index: number; error: string };

parentPort?.on('message', (job: LegJob) => {
  const plan = {
    name: job.name,
    sources: job.files.map((f) => fileSource(f.path, f.display)),
    expectation: job.expectation,
    unexpected: job.unexpected,
  };
  const sink = new LegSink(job.index, job.target);
  mergeLegInto(plan, { maxText: job.maxText }, sink).then(
    (summary) =>
      parentPort!.postMessage({
        index: job.index,
        summary,
        written: sink.end(),
      } satisfies LegJobResult),
    (error: unknown) =>
      parentPort!.postMessage({
        index: job.index,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies LegJobResult),
  );
});
