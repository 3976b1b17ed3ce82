import type { HistoryEntry } from '@testgate/stream';
import {
  type HistoryView,
  type LegTally,
  OutageFilter,
  type OutageOptions,
} from './history-view.js';

export type { OutageOptions } from './history-view.js';

export type HistoryOutcome = HistoryEntry['outcome'];

/** One run attempt the history knows, with the commit and branch it tested. */
export interface RunInfo {
  run: string;
  attempt: number;
  commit: string;
  branch: string | undefined;
  /** Milliseconds since the epoch. */
  time: number;
}

/** One outcome of one test (in one leg) in one run attempt. */
export interface Observation {
  run: RunInfo;
  outcome: HistoryOutcome;
  /** The leg of that run failed en masse: not evidence of flakiness. */
  outage: boolean;
  /** The leg observed, when observations of equivalent legs are read together. */
  leg?: string;
  /** The signatures of its failures, when it failed and they were recorded. */
  signatures?: readonly string[];
}

const OUTCOMES: readonly HistoryOutcome[] = ['passed', 'failed', 'error', 'skipped', 'flaky'];
const CODE = new Map(OUTCOMES.map((outcome, code) => [outcome, code]));

export function isFailing(outcome: HistoryOutcome): boolean {
  return outcome === 'failed' || outcome === 'error' || outcome === 'flaky';
}

/**
 * The history window in memory, compact: run attempts once, each test's outcomes as
 * packed numbers (run index and outcome code), and per leg and run how many tests ran and
 * failed, for the outage filter.
 */
export class HistoryIndex implements HistoryView {
  private readonly runs: RunInfo[] = [];
  private readonly runIndex = new Map<string, number>();
  private readonly outcomes = new Map<string, number[]>();
  /** Failure signatures by test key and run: only failures have them, a few in a hundred. */
  private readonly signatures = new Map<string, readonly string[]>();
  private readonly legTallies = new Map<string, Map<number, LegTally>>();
  private readonly outages = new Map<string, Set<number>>();
  private readonly usualShares = new Map<string, number>();
  private sealed = false;
  private lastRun = -1;
  private readonly outage: OutageFilter;

  constructor(options: OutageOptions = {}) {
    this.outage = new OutageFilter(options);
  }

  get runCount(): number {
    return this.runs.length;
  }

  add(entry: HistoryEntry): void {
    if (this.sealed) throw new Error('HistoryIndex.add after it was read');
    // Entries come grouped by run: most of them need no lookup.
    const last = this.runs[this.lastRun];
    let run = last && last.run === entry.run && last.attempt === entry.attempt ? this.lastRun : -1;
    if (run === -1) {
      const key = `${entry.run}\u0000${entry.attempt}`;
      run = this.runIndex.get(key) ?? -1;
      if (run === -1) {
        run = this.runs.length;
        this.runIndex.set(key, run);
        this.runs.push({
          run: entry.run,
          attempt: entry.attempt,
          commit: entry.commit,
          branch: entry.branch,
          time: Date.parse(entry.time),
        });
      }
    }
    this.lastRun = run;
    const key = testKey(entry.id, entry.leg);
    let packed = this.outcomes.get(key);
    if (!packed) this.outcomes.set(key, (packed = []));
    packed.push((run << 3) | CODE.get(entry.outcome)!);
    if (entry.signatures !== undefined && entry.signatures.length > 0)
      this.signatures.set(`${key}\u0000${run}`, entry.signatures);
    if (entry.outcome === 'skipped') return;
    let tallies = this.legTallies.get(entry.leg);
    if (!tallies) this.legTallies.set(entry.leg, (tallies = new Map()));
    let tally = tallies.get(run);
    if (!tally) tallies.set(run, (tally = { tests: 0, failing: 0, seconds: 0 }));
    tally.tests++;
    tally.seconds += entry.duration ?? 0;
    if (isFailing(entry.outcome)) tally.failing++;
  }

  /** Every outcome of a test in a leg, oldest run first. */
  observationsOf(id: string, leg: string): Observation[] {
    this.seal();
    const outages = this.outages.get(leg);
    const key = testKey(id, leg);
    // A store read during its compaction may hand over a run attempt twice (its leg
    // tallies double too, which leaves their shares as they were).
    const packed = [...new Map((this.outcomes.get(key) ?? []).map((p) => [p >> 3, p])).values()];
    return packed
      .map((p): Observation => {
        const run = p >> 3;
        const signatures = this.signatures.get(`${key}\u0000${run}`);
        return {
          run: this.runs[run]!,
          outcome: OUTCOMES[p & 7]!,
          outage: outages?.has(run) ?? false,
          ...(signatures && { signatures }),
        };
      })
      .sort((a, b) => a.run.time - b.run.time);
  }

  /** The leg's test time in its last `count` runs, oldest first. */
  recentTestSeconds(leg: string, count: number): number[] {
    const tallies = [...(this.legTallies.get(leg) ?? [])];
    tallies.sort(([a], [b]) => this.runs[a]!.time - this.runs[b]!.time);
    return tallies.slice(-count).map(([, t]) => Math.round(t.seconds * 1000) / 1000);
  }

  /**
   * Whether a leg run in which `failing` of `tests` tests failed is an outage, against
   * the leg's usual failure share in the history.
   */
  isOutage(leg: string, tests: number, failing: number): boolean {
    return this.outage.isOutage(this.usualShare(leg), tests, failing);
  }

  /** Every entry is kept as it came: no two tests are known to share their outcomes. */
  outcomesKey(): undefined {
    return undefined;
  }

  /** The leg's usual (median) failure share in the history, 0 when it has none. */
  usualShare(leg: string): number {
    this.seal();
    return this.usualShares.get(leg) ?? 0;
  }

  private seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    for (const [leg, tallies] of this.legTallies) {
      const usual = this.outage.usualShare(tallies.values());
      this.usualShares.set(leg, usual);
      const outages = new Set<number>();
      for (const [run, tally] of tallies)
        if (this.outage.isOutage(usual, tally.tests, tally.failing)) outages.add(run);
      this.outages.set(leg, outages);
    }
  }
}

function testKey(id: string, leg: string): string {
  return `${id}\u0000${leg}`;
}
