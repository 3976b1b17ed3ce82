import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { DiagnosticRecord, LegRecord } from '@testgate/stream';
import type { LegJob, LegMessage } from './leg-worker.js';
import type { LegOutput, LinesPiece } from './legs-in-order.js';
import type { LegPlan } from './merge.js';
import type { ParseOptions } from './parse-report.js';

// A worker's young generation, in MiB. What outlives it is a leg's tests, kept compact (see
// plain-cases); V8's default, every page of it touched, was a third of a worker's memory.
// 1M corpus, two workers, medians of 7: peak 304 MB against 330 MB with the default; at 8
// MiB 271 MB, but 35% more time in the scavenger.
const YOUNG_GENERATION_MB = 16;

// Written pieces waiting in a worker to be filled again, at most: a leg at the front is
// written as fast as it comes and needs a few.
const MAX_SPARES = 8;

/** A leg on a worker: what it has handed back so far. */
interface InFlight {
  head?: { leg: LegRecord; diagnostics: DiagnosticRecord[] };
  pieces: LinesPiece[];
  ended: boolean;
}

/**
 * Merges the legs on a pool of worker threads, started at once, and gives them in plan
 * order. A leg's records come back as they are serialised, in pieces of memory handed
 * over without a copy; the writer hands each back once written, for the worker to fill
 * again (fresh memory for every piece would cost more in page faults than the encoding).
 * The leg at the front goes out at once, the ones behind it wait in memory, and no leg is
 * started more than `threads` past the front, so a slow leg never has the run pile up
 * behind it.
 */
export function mergeOnWorkers(
  plans: readonly LegPlan[],
  options: Required<ParseOptions>,
  threads: number,
): AsyncGenerator<LegOutput> {
  const pool = Array.from({ length: threads }, () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./leg-worker.js', import.meta.url), {
      workerData: { spare: port2 },
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    return { worker, spare: port1, spares: 0 };
  });
  const flights = new Map<number, InFlight>();
  const idle = [...pool];
  let next = 0;
  let front = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const dispatch = (): void => {
    // A worker with no leg left stops at once while the others finish: nobody waits for
    // its heap to be torn down.
    if (next === plans.length) for (const { worker } of idle.splice(0)) void worker.terminate();
    while (idle.length > 0 && next < plans.length && next <= front + threads) {
      const plan = plans[next]!;
      flights.set(next, { pieces: [], ended: false });
      idle.pop()!.worker.postMessage({
        index: next++,
        name: plan.name,
        files: plan.sources.map((source) => ({ path: source.file!, display: source.path })),
        expectation: plan.expectation,
        unexpected: plan.unexpected,
        maxText: options.maxText,
      } satisfies LegJob);
    }
  };
  const until = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  for (const member of pool) {
    member.worker.on('message', (message: LegMessage) => {
      const flight = flights.get(message.index)!;
      if ('error' in message) failure ??= new Error(`a worker failed on a leg: ${message.error}`);
      else if ('leg' in message) flight.head = message;
      else if ('piece' in message) {
        if (message.reused) member.spares--;
        flight.pieces.push(spent(message.piece, member));
      }
      if ('error' in message || 'end' in message) {
        flight.ended = true;
        idle.push(member);
        dispatch();
      }
      wake?.();
    });
    member.worker.on('error', (error) => {
      failure ??= error;
      wake?.();
    });
    // Until the legs are read, the workers keep nobody from exiting.
    member.worker.unref();
  }
  async function* piecesOf(flight: InFlight): AsyncGenerator<LinesPiece> {
    for (;;) {
      await until(() => flight.pieces.length > 0 || flight.ended);
      if (flight.pieces.length === 0) return;
      yield* flight.pieces.splice(0);
    }
  }
  // The legs start while the caller finishes its own start (the run's first line).
  dispatch();
  return inOrder();
  async function* inOrder(): AsyncGenerator<LegOutput> {
    for (const { worker } of pool) worker.ref();
    let complete = false;
    try {
      for (; front < plans.length; front++) {
        const flight = flights.get(front)!;
        await until(() => flight.head !== undefined);
        yield { ...flight.head!, lines: piecesOf(flight) };
        // Whatever the reader left of the leg is dropped once it is all in.
        await until(() => flight.ended);
        flights.delete(front);
        dispatch();
      }
      complete = true;
    } finally {
      const stopped = Promise.all(pool.map(({ worker }) => worker.terminate()));
      // Stopped early (a failure, or the reader gave up): wait until no worker runs.
      if (!complete) await stopped;
    }
  }
}

/**
 * A piece whose memory goes back to its worker once written, while the worker has fewer
 * than MAX_SPARES waiting; any more are let go. A leg behind the front comes back whole,
 * once written, and its pieces would otherwise wait in the worker, unused, for good.
 */
function spent(
  piece: LinesPiece & { lines: Uint8Array },
  member: { spare: MessagePort; spares: number },
): LinesPiece {
  const memory = piece.lines.buffer as ArrayBuffer;
  return {
    ...piece,
    written: () => {
      if (member.spares >= MAX_SPARES) return;
      member.spares++;
      member.spare.postMessage(memory, [memory]);
    },
  };
}
