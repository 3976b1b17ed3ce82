import type { FlakeEvidence, FlakeVerdict } from '@testgate/stream';
import { flakeRateBounds } from './estimate.js';
import { type Observation, type RunInfo, isFailing } from './history-index.js';

export interface ClassifyOptions {
  /**
   * The branch whose sequence of commits the history rules (suspect, broken) read; every
   * branch when undefined. Same-commit evidence counts from any branch.
   */
  branch?: string | undefined;
  /** The run being classified: without an observation of its own before it, a test is new. */
  current?: RunInfo | undefined;
  /**
   * Evidence items kept per test, most recent first.
   * @default 5
   */
  maxEvidence?: number;
}

/** One commit's outcomes for one test: several runs when the commit was rerun. */
interface CommitOutcomes {
  commit: string;
  time: number;
  onBranch: boolean;
  /** Its observations, outages and skips left out. */
  observations: Observation[];
  /** Its run attempts, outages and skips included. */
  runs: RunInfo[];
  passedRuns: number;
  failedRuns: number;
  /** A run in which the test failed and passed (a retry, a rerun file). */
  flakyRun: boolean;
}

type CommitState = 'pass' | 'fail' | 'mixed';

function stateOf(c: CommitOutcomes): CommitState {
  if (c.flakyRun || (c.passedRuns > 0 && c.failedRuns > 0)) return 'mixed';
  return c.failedRuns > 0 ? 'fail' : 'pass';
}

/** A test's outcomes by commit, oldest first, and how many run attempts it had (every one counted). */
function byCommit(
  observations: Observation[],
  branch: string | undefined,
): { commits: CommitOutcomes[]; runs: number } {
  const commits = new Map<string, CommitOutcomes>();
  let last: CommitOutcomes | undefined;
  let runs = 0;
  for (const o of observations) {
    const counts = !o.outage && o.outcome !== 'skipped';
    // A commit's runs mostly come one after another.
    let c = last?.commit === o.run.commit ? last : commits.get(o.run.commit);
    if (!c) {
      // Lists made with their first item: most commits have that one alone.
      c = {
        commit: o.run.commit,
        time: counts ? o.run.time : Infinity,
        onBranch: false,
        observations: counts ? [o] : [],
        passedRuns: 0,
        failedRuns: 0,
        flakyRun: false,
        runs: [o.run],
      };
      commits.set(o.run.commit, c);
      runs++;
    } else {
      // A run is one commit's: its runs are few, and told apart here without a set of all.
      if (!c.runs.includes(o.run)) {
        c.runs.push(o.run);
        runs++;
      }
      if (counts) {
        if (o.run.time < c.time) c.time = o.run.time;
        c.observations.push(o);
      }
    }
    last = c;
    if (!counts) continue;
    c.onBranch ||= branch === undefined || o.run.branch === branch;
    if (o.outcome === 'flaky') c.flakyRun = true;
    else if (isFailing(o.outcome)) c.failedRuns++;
    else c.passedRuns++;
  }
  // Commits with outages and skips alone are none of the test's outcomes.
  const list: CommitOutcomes[] = [];
  for (const c of commits.values()) if (c.observations.length > 0) list.push(c);
  // Observations come in time order, and so do their commits, mostly: sorted only if not.
  for (let i = 1; i < list.length; i++)
    if (commitOrder(list[i - 1]!, list[i]!) > 0) return { commits: list.sort(commitOrder), runs };
  return { commits: list, runs };
}

function commitOrder(a: CommitOutcomes, b: CommitOutcomes): number {
  return a.time - b.time || (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0);
}

function evidenceOf(rule: FlakeEvidence['rule'], c: CommitOutcomes): FlakeEvidence {
  // Evidence pooled from equivalent legs names the leg of each run.
  const pooled = new Set(c.observations.map((o) => o.leg)).size > 1;
  return {
    rule,
    commit: c.commit,
    runs: c.observations
      .slice()
      .reverse()
      .map((o) => ({
        run: o.run.run,
        attempt: o.run.attempt,
        ...(pooled && o.leg !== undefined ? { leg: o.leg } : {}),
        outcome: o.outcome,
      })),
  };
}

/**
 * The verdict on one test in one leg (or in legs that are reruns of one another) from its
 * outcomes in the window (this run's among them). Flakiness is counted per commit, never
 * per retry or rerun. The rules, strongest first:
 * - broken: every attempt failed on consecutive commits up to now (two commits or more,
 *   or one commit that failed again when rerun); its failures are never flakiness, also
 *   after the fix, as long as the fix holds: a stretch followed by passes and then by a
 *   failure again was flakiness, and counts as such;
 * - flaky: a commit on which the test both failed and passed (in one run, or across
 *   runs of the commit), certain evidence;
 * - new: nothing before this run;
 * - suspect: failing commits between passing ones, with an estimated flake rate;
 * - broken also for a test failing on this commit alone with no sign of flakiness;
 * - stable otherwise.
 * Observations from outage runs and skipped outcomes are left out.
 */
export function classify(observations: Observation[], options: ClassifyOptions = {}): FlakeVerdict {
  const maxEvidence = options.maxEvidence ?? 5;
  const { commits, runs } = byCommit(observations, options.branch);
  const sequence = commits.filter((c) => c.onBranch);
  const states = sequence.map(stateOf);

  // Only the last commits that did not pass can be a break (a stretch followed by a
  // failure again was flakiness): when every attempt on them failed.
  let end = states.length;
  while (end > 0 && states[end - 1] === 'pass') end--;
  let start = end;
  while (start > 0 && states[start - 1] === 'fail') start--;
  const stretch = sequence.slice(start, end);
  const confirmed = stretch.length >= 2 || stretch.some((c) => c.failedRuns >= 2);
  const final = stretch.length > 0 && end === sequence.length;
  const finalStretch = final ? stretch : [];
  const finalConfirmed = final && confirmed;
  const pending = final && !confirmed ? stretch[0] : undefined;
  // The commits flakiness is counted on: a confirmed break and a pending one left out.
  const [skipFrom, skipTo] = confirmed || final ? [start, end] : [0, 0];

  let counted = 0;
  let failures = 0;
  let flips = 0;
  let previous: CommitState | undefined;
  const isolated: CommitOutcomes[] = [];
  for (let i = 0; i < sequence.length; i++) {
    if (i >= skipFrom && i < skipTo) continue;
    const state = states[i]!;
    counted++;
    if (state !== 'pass') failures++;
    if (state === 'fail') isolated.push(sequence[i]!);
    if (previous !== undefined && (state === 'pass') !== (previous === 'pass')) flips++;
    previous = state;
  }

  const certain = commits.filter((c) => stateOf(c) === 'mixed');
  const hasPrior = observations.some((o) => o.run !== options.current);
  const history =
    counted > 0
      ? {
          ...flakeRateBounds(failures, counted),
          flipRate: counted > 1 ? flips / (counted - 1) : 0,
          sample: { commits: counted, failures, runs },
        }
      : { sample: { commits: 0, failures: 0, runs } };
  const recent = (list: CommitOutcomes[]) => list.slice().reverse().slice(0, maxEvidence);

  if (finalConfirmed)
    return {
      status: 'broken',
      evidence: recent(finalStretch).map((c) => evidenceOf('broken', c)),
      brokenSince: finalStretch[0]!.commit,
      ...history,
    };
  if (certain.length > 0)
    return {
      status: 'flaky',
      evidence: recent(certain).map((c) => evidenceOf(c.flakyRun ? 'same-run' : 'same-commit', c)),
      ...history,
    };
  if (!hasPrior) return { status: 'new', evidence: [] };
  if (isolated.length > 0)
    return {
      status: 'suspect',
      evidence: recent(isolated).map((c) => evidenceOf('history', c)),
      ...history,
    };
  if (pending)
    return {
      status: 'broken',
      evidence: [evidenceOf('broken', pending)],
      brokenSince: pending.commit,
      ...history,
    };
  return { status: 'stable', evidence: [], ...history };
}

/** Passing commits in a row at the end of the test's sequence (outages left out). */
export function cleanStreak(observations: Observation[], branch?: string): number {
  const sequence = byCommit(observations, branch).commits.filter((c) => c.onBranch);
  let streak = 0;
  for (let i = sequence.length - 1; i >= 0 && stateOf(sequence[i]!) === 'pass'; i--) streak++;
  return streak;
}
