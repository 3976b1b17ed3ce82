import type { ExpectedLeg } from '@testgate/stream';
import { type LegBatch, LegFolder } from './fold.js';
import type { ParseOptions } from './parse-report.js';
import { type ReportSource, readReport } from './read-report.js';
import { reportRuns } from './rerun-layout.js';

export const TOOL = 'junit-merge';

/** The reports found for one leg. */
export interface LegSources {
  name: string;
  sources: ReportSource[];
}

/** One leg to merge: its reports, and what `--expect` said about it. */
export interface LegPlan extends LegSources {
  expectation?: ExpectedLeg | undefined;
  /** Reported, although `--expect` was given and does not name it. */
  unexpected: boolean;
}

export interface MergeOptions extends ParseOptions {
  /** Legs that must report; one without reports becomes a missing leg and an error. */
  expect?: ExpectedLeg[] | undefined;
}

/** A leg's records, with the earliest suite timestamp its reports carried. */
export interface MergedLeg extends LegBatch {
  earliestTimestamp?: string;
}

/** Every leg found or expected, in name order: the order of the stream. */
export function planLegs(legs: readonly LegSources[], expect?: readonly ExpectedLeg[]): LegPlan[] {
  const found = new Map(legs.map((leg) => [leg.name, leg.sources]));
  const expected = new Map((expect ?? []).map((leg) => [leg.name, leg]));
  return [...new Set([...found.keys(), ...expected.keys()])].sort().map((name) => ({
    name,
    sources: found.get(name) ?? [],
    expectation: expected.get(name),
    unexpected: expect !== undefined && !expected.has(name),
  }));
}

/** Reads one leg's reports and folds them into its records. */
export async function mergeLeg(plan: LegPlan, options: ParseOptions = {}): Promise<MergedLeg> {
  const folder = new LegFolder(TOOL);
  let earliest: string | undefined;
  const runs = reportRuns(plan.sources.map((source) => source.path));
  // The first run's reports first: a test's first testcase gives its file and line.
  const sources = [...plan.sources].sort(
    (a, b) => runs.get(a.path)!.attempt - runs.get(b.path)!.attempt,
  );
  for (const source of sources) {
    const report = await readReport(source, options);
    const run = runs.get(source.path)!;
    if (run.attempt !== 1) report.attempt = run.attempt;
    if (run.logical !== source.path) report.logicalReport = run.logical;
    const t = report.earliestTimestamp;
    if (t && (earliest === undefined || t < earliest)) earliest = t;
    folder.add(report);
  }
  const { name, expectation } = plan;
  const batch: MergedLeg = folder.finish({
    name,
    expected: expectation !== undefined,
    ...(expectation?.matrix && { matrix: expectation.matrix }),
    ...(expectation?.blocking === false && { blocking: false }),
    ...(expectation?.planned !== undefined && { planned: expectation.planned }),
  });
  if (earliest !== undefined) batch.earliestTimestamp = earliest;
  if (plan.unexpected) {
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
  return batch;
}

/**
 * Reads every leg's reports and yields each leg's records, legs in name order, one leg
 * in memory at a time. Expected legs with no report are yielded as missing.
 */
export async function* mergeLegs(
  legs: readonly LegSources[],
  options: MergeOptions = {},
): AsyncGenerator<MergedLeg> {
  for (const plan of planLegs(legs, options.expect)) yield await mergeLeg(plan, options);
}
