import { Worker } from 'node:worker_threads';
import type { LegSummary } from './_leg-output.js';
import type { LegJob, LegJobResult } from './_leg-worker.js';

/**
 * Merges legs on a pool of worker threads, each leg into its own file, and yields their
 * summaries in job order.
 */
export async function* mergeInWorkers(
  jobs: readonly LegJob[],
  threads: number,
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
      if ('error' in result)
        failure ??= new Error(`worker failed on leg ${jobs[result.index]?.name}: ${result.error}`);
      else done.set(result.index, result.summary);
      dispatch(worker);
      wake?.();
    });
    worker.on('error', (error) => {
      failure ??= error;
      wake?.();
    });
    dispatch(worker);
  }
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
  } finally {
    for (const worker of pool) void worker.terminate();
  }
}
