import { Worker } from 'node:worker_threads';
import type { LegFiles } from './_leg-files.js';
import type { LegSummary } from './_leg-output.js';
import type { LegJob, LegJobResult } from './_leg-worker.js';

/**
 * Merges legs on a pool of worker threads, their records in order through `files`, and
 * yields their summaries in job order.
 */
export async function* mergeInWorkers(
  jobs: readonly LegJob[],
  threads: number,
  files: LegFiles,
): AsyncGenerator<LegSummary> {
  const workerUrl = new URL('./_leg-worker.js', import.meta.url);
  const pool = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(workerUrl));
  const done = new Map<number, LegSummary>();
  let failure: Error | undefined;
  let next = 0;
  let wake: (() => void) | undefined;

  // A worker with no job left stops at once, while the others finish: nobody waits for
  // its heap to be torn down.
  const dispatch = (worker: Worker): void => {
    if (next < jobs.length) worker.postMessage(jobs[next++]);
    else void worker.terminate();
  };
  for (const worker of pool) {
    worker.on('message', (result: LegJobResult) => {
      try {
        if ('error' in result)
          throw new Error(`worker failed on leg ${jobs[result.index]?.name}: ${result.error}`);
        files.finished(result.index, result.written);
        done.set(result.index, result.summary);
      } catch (error) {
        // A worker failed, or the output could not be written: the run stops.
        failure ??= error as Error;
      }
      dispatch(worker);
      wake?.();
    });
    worker.on('error', (error) => {
      failure ??= error;
      wake?.();
    });
    dispatch(worker);
  }
  let complete = false;
  try {
    for (let index = 0; index < jobs.length; index++) {
      while (!done.has(index)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const output = done.get(index)!;
      done.delete(index);
      yield output;
    }
    complete = true;
  } finally {
    const stopped = Promise.all(pool.map((worker) => worker.terminate()));
    // Stopped early (a failure, or the reader gave up): a worker may still be writing
    // into the output, which is about to be closed. Wait until none can.
    if (!complete) await stopped;
  }
}
