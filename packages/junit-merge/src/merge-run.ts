import type { Writable } from 'node:stream';
import {
  type ExpectedLeg,
  RecordWriter,
  type RunRecord,
  type TestgateRecord,
} from '@testgate/stream';
import { type LegOutput, legsInOrder, threadsFor } from './legs-in-order.js';
import { type LegSources, TOOL, planLegs } from './merge.js';
import { DEFAULT_MAX_TEXT } from './text-limit.js';
import { type RunMetadata, runRecord } from './run-metadata.js';
import { earliestReportStart } from './run-start.js';

export interface MergeOptions {
  /** Legs that must report; one without reports becomes a missing leg and an error. */
  expect?: ExpectedLeg[] | undefined;
  /** Longest message, trace or output kept per field, in characters. */
  maxText?: number | undefined;
  /** Worker threads (default: one per core, up to 4, for inputs over 8 MiB). */
  jobs?: number | undefined;
  /** The run's identity, over what the CI's environment says. */
  run?: RunMetadata | undefined;
  /** Where the CI's variables are read (default: the process's environment). */
  env?: Record<string, string | undefined> | undefined;
  /** The clock, for a run whose reports state no start. */
  now?: (() => Date) | undefined;
}

/** A merge under way: the run record, then each leg as it is merged. */
export interface MergedRun {
  run: RunRecord;
  /**
   * Every leg found or expected, in name order. On worker threads the first legs are
   * already being merged: read them to the end, or stop early with `break` (which stops the
   * threads); unread, they hold at most a few legs and keep no process from exiting.
   */
  legs: AsyncIterable<LegOutput>;
}

/**
 * Merges every leg's reports into one testgate stream. The run's start is known first (the
 * flag, else the reports' heads: see run-start), so each leg goes out as soon as it is
 * merged and at most a few legs are ever in memory.
 */
export function mergeRun(found: readonly LegSources[], options: MergeOptions = {}): MergedRun {
  const plans = planLegs(found, options.expect);
  // Worker threads start on the legs while the reports' heads are read.
  const legs = legsInOrder(
    plans,
    { maxText: options.maxText ?? DEFAULT_MAX_TEXT },
    threadsFor(plans, options.jobs),
  );
  const startedAt =
    options.run?.startedAt ??
    earliestReportStart(plans.flatMap((plan) => plan.sources)) ??
    (options.now ?? (() => new Date()))().toISOString();
  return {
    run: runRecord(TOOL, { ...options.run, startedAt }, options.env ?? process.env),
    legs,
  };
}

/** Writes the merged stream as JSON Lines, its end record last. */
export async function writeStream(merged: MergedRun, output: Writable): Promise<void> {
  const writer = new RecordWriter(output, { tool: TOOL });
  await writer.write(merged.run);
  for await (const { lines } of merged.legs)
    for await (const { lines: piece, records, written } of lines) {
      await writer.writeLines(piece, records);
      // Nothing left in the output's queue: the bytes are out, their memory free again.
      if (output.writableLength === 0) written?.();
    }
  await writer.end();
}

/** The merged stream's records, as objects (the end record left out). */
export async function* streamRecords(merged: MergedRun): AsyncGenerator<TestgateRecord> {
  const decoder = new TextDecoder();
  yield merged.run;
  for await (const { lines } of merged.legs)
    for await (const { lines: piece, written } of lines) {
      const text = typeof piece === 'string' ? piece : decoder.decode(piece);
      written?.();
      for (const line of text.split('\n'))
        if (line !== '') yield JSON.parse(line) as TestgateRecord;
    }
}
