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
  observations: Observation[];
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

function byCommit(observations: Observation[], branch: string | undefined): CommitOutcomes[] {
  const commits = new Map<string, CommitOutcomes>();
  for (const o of observations) {
    if (o.outage || o.outcome === 'skipped') continue;
    let c = commits.get(o.run.commit);
    if (!c) {
      c = {
        commit: o.run.commit,
        time: o.run.time,
        onBranch: false,
        observations: [],
        passedRuns: 0,
        failedRuns: 0,
        flakyRun: false,
      };
      commits.set(o.run.commit, c);
    }
    c.time = Math.min(c.time, o.run.time);
    c.onBranch ||= branch === undefined || o.run.branch === branch;
    c.observations.push(o);
    if (o.outcome === 'flaky') c.flakyRun = true;
    else if (isFailing(o.outcome)) c.failedRuns++;
    else c.passedRuns++;
  }
  return [...commits.values()].sort(
    (a, b) => a.time - b.time || (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0),
  );
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
  const commits = byCommit(observations, options.branch);
  const sequence = commits.filter((c) => c.onBranch);
  const states = sequence.map(stateOf);

  // Maximal stretches of commits on which every attempt failed.
  const brokenCommits = new Set<CommitOutcomes>();
  let finalStretch: CommitOutcomes[] = [];
  let finalConfirmed = false;
  for (let i = 0; i < sequence.length;) {
    if (states[i] !== 'fail') {
      i++;
      continue;
    }
    let j = i;
    while (j < sequence.length && states[j] === 'fail') j++;
    const stretch = sequence.slice(i, j);
    const confirmed = stretch.length >= 2 || stretch.some((c) => c.failedRuns >= 2);
    const failsAgain = states.slice(j).some((s) => s !== 'pass');
    if (confirmed && !failsAgain) for (const c of stretch) brokenCommits.add(c);
    if (j === sequence.length) {
      finalStretch = stretch;
      finalConfirmed = confirmed;
    }
    i = j;
  }
  const pending = finalStretch.length > 0 && !finalConfirmed ? finalStretch[0] : undefined;
  const counted = sequence.filter((c) => !brokenCommits.has(c) && c !== pending);
  const countedStates = counted.map(stateOf);
  const failures = countedStates.filter((s) => s !== 'pass').length;
  let flips = 0;
  for (let i = 1; i < countedStates.length; i++)
    if ((countedStates[i] === 'pass') !== (countedStates[i - 1] === 'pass')) flips++;

  const certain = commits.filter((c) => stateOf(c) === 'mixed');
  const isolated = counted.filter((c) => stateOf(c) === 'fail');
  const hasPrior = observations.some((o) => o.run !== options.current);
  const runs = new Set(observations.map((o) => o.run)).size;
  const history =
    counted.length > 0
      ? {
          ...flakeRateBounds(failures, counted.length),
          flipRate: counted.length > 1 ? flips / (counted.length - 1) : 0,
          sample: { commits: counted.length, failures, runs },
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
  const sequence = byCommit(observations, branch).filter((c) => c.onBranch);
  let streak = 0;
  for (let i = sequence.length - 1; i >= 0 && stateOf(sequence[i]!) === 'pass'; i--) streak++;
  return streak;
}
