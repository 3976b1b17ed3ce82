import { type RunSummary, failedShare } from './summarize.js';

export interface RegressionOptions {
  /** Length of each window, in milliseconds. */
  window: number;
  /** Rise of the median, as a fraction (0.2 for 20%), above which a leg has regressed. */
  threshold: number;
  /** Runs needed in each window before a comparison counts. */
  minRuns: number;
  /** A leg run in which this share of the tests failed was cut short: left out. @default 0.3 */
  massFailure?: number;
}

export interface Comparison {
  subject: string;
  before: { median: number; runs: number };
  recent: { median: number; runs: number };
  rise: number;
  regressed: boolean;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Compares, for each leg and each suite in it, the median duration of the runs in the
 * last window (ending at the newest run) with that of the window before: one vote per
 * run. Runs without a start time, and legs a mass failure cut short, do not vote.
 * Subjects with fewer than `minRuns` runs in either window are not compared.
 */
export function checkRegression(runs: RunSummary[], options: RegressionOptions): Comparison[] {
  const dated = runs
    .filter((r) => r.startedAt !== undefined)
    .map((r) => ({ run: r, at: Date.parse(r.startedAt!) }));
  if (dated.length === 0) return [];
  const end = Math.max(...dated.map((d) => d.at));
  const samples = new Map<string, { before: number[]; recent: number[] }>();
  const vote = (subject: string, recent: boolean, seconds: number): void => {
    let entry = samples.get(subject);
    if (!entry) samples.set(subject, (entry = { before: [], recent: [] }));
    (recent ? entry.recent : entry.before).push(seconds);
  };
  for (const { run, at } of dated) {
    const age = end - at;
    if (age >= 2 * options.window) continue;
    const recent = age < options.window;
    for (const leg of run.legs.values()) {
      if (failedShare(leg) >= (options.massFailure ?? 0.3)) continue;
      vote(`leg ${leg.name}`, recent, leg.wall ?? leg.testTime);
      for (const [suite, seconds] of leg.suites)
        vote(`suite ${suite} in leg ${leg.name}`, recent, seconds);
    }
  }
  const comparisons: Comparison[] = [];
  for (const [subject, { before, recent }] of [...samples].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (before.length < options.minRuns || recent.length < options.minRuns) continue;
    const b = median(before);
    const r = median(recent);
    const rise = b === 0 ? (r > 0 ? Infinity : 0) : (r - b) / b;
    comparisons.push({
      subject,
      before: { median: b, runs: before.length },
      recent: { median: r, runs: recent.length },
      rise,
      regressed: rise > options.threshold,
    });
  }
  return comparisons;
}
