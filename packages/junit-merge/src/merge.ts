import type { ExpectedLeg } from './expect.js';
import { type LegBatch, foldLeg } from './fold.js';
import type { ParseOptions } from './parse-report.js';
import { type ReportSource, readReport } from './read-report.js';

export const TOOL = 'junit-merge';

/** The reports found for one leg. */
export interface LegSources {
  name: string;
  sources: ReportSource[];
}

export interface MergeOptions extends ParseOptions {
  /** Legs that must report; one without reports becomes a missing leg and an error. */
  expect?: ExpectedLeg[] | undefined;
}

/** A leg's records, with the earliest suite timestamp its reports carried. */
export interface MergedLeg extends LegBatch {
  earliestTimestamp?: string;
}

/**
 * Reads every leg's reports and yields each leg's records, legs in name order, one leg
 * in memory at a time. Expected legs with no report are yielded as missing.
 */
export async function* mergeLegs(
  legs: readonly LegSources[],
  options: MergeOptions = {},
): AsyncGenerator<MergedLeg> {
  const found = new Map(legs.map((leg) => [leg.name, leg.sources]));
  const expected = new Map((options.expect ?? []).map((leg) => [leg.name, leg]));
  const names = [...new Set([...found.keys(), ...expected.keys()])].sort();
  for (const name of names) {
    const reports = [];
    for (const source of found.get(name) ?? []) reports.push(await readReport(source, options));
    const expectation = expected.get(name);
    const batch: MergedLeg = foldLeg(
      {
        name,
        expected: expectation !== undefined,
        reports,
        ...(expectation?.matrix && { matrix: expectation.matrix }),
      },
      TOOL,
    );
    if (options.expect && !expectation) {
      batch.diagnostics.push({
        type: 'diagnostic',
        tool: TOOL,
        severity: 'warning',
        code: 'leg-unexpected',
        leg: name,
        message: `leg ${JSON.stringify(name)} reported but is not in --expect`,
        hint: 'add it to the expected legs, or check the artifact layout',
      });
    }
    for (const report of reports) {
      const t = report.earliestTimestamp;
      if (t && (batch.earliestTimestamp === undefined || t < batch.earliestTimestamp))
        batch.earliestTimestamp = t;
    }
    yield batch;
  }
}
