import {
  type DiagnosticRecord,
  type LegRecord,
  type TestgateRecord,
  toJsonLine,
} from '@testgate/stream';
import type { LegSink } from './_leg-sink.js';
import { type LegPlan, TOOL, mergeLeg } from './merge.js';
import type { ParseOptions } from './parse-report.js';

/** What the summary and the run record need of a leg once its records are written. */
export interface LegSummary {
  records: number;
  leg: LegRecord;
  diagnostics: DiagnosticRecord[];
  earliestTimestamp?: string | undefined;
}

const CHUNK = 1 << 16;

/**
 * Merges one leg and hands its records as JSON Lines to `sink`, a chunk at a time: the
 * records are made, checked and serialised one by one, never all held at once (a lone
 * passing test straight from its testcase: see LegBatch.testLines).
 */
export async function mergeLegInto(
  plan: LegPlan,
  options: ParseOptions,
  sink: LegSink,
): Promise<LegSummary> {
  const batch = await mergeLeg(plan, options);
  let records = 0;
  let pending = '';
  const add = (line: string): void => {
    pending += line;
    records++;
    if (pending.length >= CHUNK) {
      sink.write(pending);
      pending = '';
    }
  };
  const serialise = (record: TestgateRecord): string => toJsonLine(record, { tool: TOOL });
  add(serialise(batch.leg));
  for (const line of batch.testLines) add(line);
  for (const diagnostic of batch.diagnostics) add(serialise(diagnostic));
  sink.write(pending);
  return {
    records,
    leg: batch.leg,
    diagnostics: batch.diagnostics,
    earliestTimestamp: batch.earliestTimestamp,
  };
}
