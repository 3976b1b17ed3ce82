import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { type DiagnosticRecord, type LegRecord, toJsonLine } from '@testgate/stream';
import type { LegBatch } from './fold.js';
import { mergeOnWorkers } from './leg-workers.js';
import { type LegPlan, TOOL, mergeLeg } from './merge.js';
import type { ParseOptions } from './parse-report.js';

/**
 * `records` records serialised as JSON Lines (each line ends with \n): UTF-8 bytes from a
 * worker thread, text from this one.
 */
export interface LinesPiece {
  lines: Uint8Array | string;
  records: number;
  /** Called once the bytes are written and no longer held: their memory may be reused. */
  written?: () => void;
}

/** A merged leg: its leg record and diagnostics, and all its records as JSON Lines. */
export interface LegOutput {
  leg: LegRecord;
  diagnostics: DiagnosticRecord[];
  /** The leg record, its tests, its diagnostics (the leg's part of the stream), many lines a piece. */
  lines: AsyncIterable<LinesPiece>;
}

// Below this much input, starting worker threads costs more than it saves.
const PARALLEL_FROM_BYTES = 8 * 1024 * 1024;
const MAX_THREADS = 4;

/** How many worker threads to read with: `jobs`, else one per core for large inputs. */
export function threadsFor(plans: readonly LegPlan[], jobs: number | undefined): number {
  // Standard input, and paths that are no regular file, stay in this thread.
  if (plans.some((plan) => plan.sources.some((source) => source.file === undefined))) return 1;
  if (jobs !== undefined) return jobs;
  if (plans.length < 2) return 1;
  // Sizes until the threshold is passed: a stat each costs more through the thread pool.
  let bytes = 0;
  for (const plan of plans)
    for (const source of plan.sources) {
      bytes += statSync(source.file!).size;
      if (bytes >= PARALLEL_FROM_BYTES) return Math.min(availableParallelism(), MAX_THREADS);
    }
  return 1;
}

/** A leg's part of the stream as JSON Lines text, many lines a piece. */
export function* legText(batch: LegBatch): Generator<{ text: string; records: number }> {
  yield { text: toJsonLine(batch.leg, { tool: TOOL }), records: 1 };
  yield* batch.tests.jsonLines(TOOL);
  const { diagnostics } = batch;
  if (diagnostics.length > 0) {
    const text = diagnostics.map((d) => toJsonLine(d, { tool: TOOL })).join('');
    yield { text, records: diagnostics.length };
  }
}

/** Merges one leg in this thread; its records are serialised as they are read out. */
async function mergeLegHere(plan: LegPlan, options: Required<ParseOptions>): Promise<LegOutput> {
  const batch = await mergeLeg(plan, options);
  async function* lines(): AsyncGenerator<LinesPiece> {
    for (const { text, records } of legText(batch)) yield { lines: text, records };
  }
  return { leg: batch.leg, diagnostics: batch.diagnostics, lines: lines() };
}

/**
 * Merges every leg, in this thread or on `threads` worker threads (which start at once),
 * and gives them in plan order: what the stream's writer takes in turn.
 */
export function legsInOrder(
  plans: readonly LegPlan[],
  options: Required<ParseOptions>,
  threads: number,
): AsyncIterable<LegOutput> {
  if (threads <= 1 || plans.length < 2) return legsHere(plans, options);
  return mergeOnWorkers(plans, options, Math.min(threads, plans.length));
}

async function* legsHere(
  plans: readonly LegPlan[],
  options: Required<ParseOptions>,
): AsyncGenerator<LegOutput> {
  for (const plan of plans) yield await mergeLegHere(plan, options);
}
