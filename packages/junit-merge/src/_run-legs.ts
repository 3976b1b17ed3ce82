import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { LegFiles } from './_leg-files.js';
import { type LegSummary, mergeLegInto } from './_leg-output.js';
import { LegSink } from './_leg-sink.js';
import type { LegJob } from './_leg-worker.js';
import { mergeInWorkers } from './_parallel.js';
import type { LegPlan } from './merge.js';
import type { ParseOptions } from './parse-report.js';

// Below this much input, starting worker threads costs more than it saves.
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;
const MAX_THREADS = 4;

/** How many worker threads to read with: `--jobs`, else one per core for large inputs. */
export function threadsFor(plans: readonly LegPlan[], jobs: number | undefined): number {
  const files = plans.flatMap((plan) => plan.sources.map((source) => source.file));
  // stdin cannot be handed to a worker: read such a run in this thread.
  if (files.some((file) => file === undefined)) return 1;
  if (jobs !== undefined) return jobs;
  if (plans.length < 2) return 1;
  // Sizes until the threshold is passed: a stat each costs more through the thread pool.
  let bytes = 0;
  for (const file of files) {
    bytes += statSync(file!).size;
    if (bytes >= PARALLEL_FROM_BYTES) return Math.min(availableParallelism(), MAX_THREADS);
  }
  return 1;
}

/** Merges each leg through `files`, in this thread or on worker threads; summaries in leg order. */
export async function* legOutputs(
  plans: readonly LegPlan[],
  options: Required<ParseOptions>,
  files: LegFiles,
  threads: number,
): AsyncGenerator<LegSummary> {
  if (threads <= 1) {
    for (const [index, plan] of plans.entries()) {
      const sink = new LegSink(index, files.target(index));
      const summary = await mergeLegInto(plan, options, sink);
      files.finished(index, sink.end());
      yield summary;
    }
    return;
  }
  const jobs = plans.map((plan, index): LegJob => ({
    index,
    name: plan.name,
    files: plan.sources.map((source) => ({ path: source.file!, display: source.path })),
    expectation: plan.expectation,
    unexpected: plan.unexpected,
    maxText: options.maxText,
    target: files.target(index),
  }));
  yield* mergeInWorkers(jobs, threads, files);
}
