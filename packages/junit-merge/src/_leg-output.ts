import { closeSync, openSync, writeSync } from 'node:fs';
import {
  type DiagnosticRecord,
  type LegRecord,
  type TestgateRecord,
  toJsonLine,
} from '@testgate/stream';
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
 * Merges one leg and writes its records as JSON Lines to `file`, a chunk at a time: the
 * records are made, checked and serialised one by one, never all held at once (a lone
 * passing test straight from its testcase: see LegBatch.testLines).
 */
export async function mergeLegToFile(
  plan: LegPlan,
  options: ParseOptions,
  file: string,
): Promise<LegSummary> {
  const batch = await mergeLeg(plan, options);
  const fd = openSync(file, 'w');
  let records = 0;
  let pending = '';
  const add = (line: string): void => {
    pending += line;
    records++;
    if (pending.length >= CHUNK) {
      writeSync(fd, pending);
      pending = '';
    }
  };
  const serialise = (record: TestgateRecord): string => toJsonLine(record, { tool: TOOL });
  try {
    add(serialise(batch.leg));
    for (const line of batch.testLines) add(line);
    for (const diagnostic of batch.diagnostics) add(serialise(diagnostic));
    writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
  return {
    records,
    leg: batch.leg,
    diagnostics: batch.diagnostics,
    earliestTimestamp: batch.earliestTimestamp,
  };
}
