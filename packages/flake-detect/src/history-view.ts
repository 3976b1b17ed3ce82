import type { Observation } from './history-index.js';

/**
 * What labelling reads of the history window: a test's observations in a leg, and per
 * leg what the outage filter and the time trend need. A HistoryIndex (every entry of the
 * window in memory) and a HistoryState (each test's outcomes as stretches of its leg's
 * runs) both give it, the same for the same history.
 */
export interface HistoryView {
  /** Run attempts in the window, the one being classified left out. */
  readonly runCount: number;
  /**
   * Every outcome of a test in a leg, oldest run first, in a fresh list the caller may
   * extend; the observations of one run attempt share one RunInfo, in every leg.
   */
  observationsOf(id: string, leg: string): Observation[];
  /**
   * A text equal for two tests of a leg whose outcomes (signatures aside) are the same
   * in every run, so that one classification serves both; undefined when the view cannot
   * tell.
   */
  outcomesKey(id: string, leg: string): string | undefined;
  /** Whether a leg run in which `failing` of `tests` tests failed is an outage. */
  isOutage(leg: string, tests: number, failing: number): boolean;
  /** The leg's usual (median) failure share in the window, 0 when it has none. */
  usualShare(leg: string): number;
  /** The leg's test time in its last `count` runs, oldest first. */
  recentTestSeconds(leg: string, count: number): number[];
}

/** How a leg run counts for the outage filter: its tests that ran, and those that failed. */
export interface LegTally {
  tests: number;
  failing: number;
  /** The leg's test time in the run. */
  seconds: number;
}

export interface OutageOptions {
  /**
   * A leg run is an outage when at least this share of its tests failed...
   * @default 0.1
   */
  minShare?: number;
  /**
   * ...and that share is at least this many times the leg's usual (median) share...
   * @default 5
   */
  factor?: number;
  /**
   * ...and at least this many tests failed.
   * @default 3
   */
  minFailed?: number;
}

/** The outage filter over one leg's runs in the window. */
export class OutageFilter {
  private readonly options: Required<OutageOptions>;

  constructor(options: OutageOptions = {}) {
    this.options = { minShare: 0.1, factor: 5, minFailed: 3, ...options };
  }

  /** The usual (median) failure share of the tallies, 0 for none. */
  usualShare(tallies: Iterable<LegTally>): number {
    const shares = [...tallies].map((t) => t.failing / t.tests).sort((a, b) => a - b);
    return shares[Math.floor((shares.length - 1) / 2)] ?? 0;
  }

  isOutage(usual: number, tests: number, failing: number): boolean {
    if (tests === 0 || failing < this.options.minFailed) return false;
    const share = failing / tests;
    return share >= this.options.minShare && share >= usual * this.options.factor;
  }
}
