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
export async function mergeLeg(plan: LegPlan, options: ParseOptions = {}): Promise<LegBatch> {
  const folder = new LegFolder(TOOL);
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
    folder.add(report);
  }
  const { name, expectation } = plan;
  const batch = folder.finish({
    name,
    expected: expectation !== undefined,
    ...(expectation?.matrix && { matrix: expectation.matrix }),
    ...(expectation?.blocking === false && { blocking: false }),
    ...(expectation?.planned !== undefined && { planned: expectation.planned }),
  });
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
