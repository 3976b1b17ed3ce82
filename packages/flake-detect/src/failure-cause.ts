import type { FailureCause, FlakeVerdict } from '@testgate/stream';
import { type Observation, type RunInfo, isFailing } from './history-index.js';

/** What the cause of one failing test in one leg is read from. */
export interface CauseQuestion {
  /** Its observations in the window, this run's among them (legs read together included). */
  observations: Observation[];
  /** The run being classified. */
  current: RunInfo;
  /** The branch read as the base; every branch when undefined. */
  base: string | undefined;
  /** Its verdict in this leg. */
  verdict: FlakeVerdict;
  /** Whether that verdict is strong enough to propose a quarantine. */
  proposable: boolean;
  /** This leg failed en masse in this run. */
  outage: boolean;
  /** The signatures of its failures in this run. */
  signatures: readonly string[];
}

/**
 * Whether this change caused a test's failure, with the evidence, from the history alone:
 * - infra: its leg failed en masse in this run (the outage filter's verdict);
 * - known-flaky: flaky with evidence from before this commit: a commit of the base branch
 *   that failed and passed, or a verdict a quarantine would be proposed for; its
 *   failure's signature seen before or new;
 * - fails-on-base: failing on the base branch at its latest recorded commit there too;
 * - new-test: the base branch has no record of it;
 * - new-failure: it passed on the base branch at its latest recorded commit.
 * The commit under test is never its own base (a push to the base branch reads the
 * commits before it). A label explains a failure; it never excuses one.
 */
export function failureCause(question: CauseQuestion): FailureCause {
  const { current, base, signatures } = question;
  const own = signatures.length > 0 ? { signatures: [...signatures] } : {};
  const where = base === undefined ? {} : { base };
  if (question.outage) return { label: 'infra', ...where, ...own };
  const before = question.observations.filter(
    (o) => o.run !== current && o.run.commit !== current.commit && !o.outage,
  );
  const commits = commitsOn(before, base);
  const flakyOnBase = commits.some((c) => c.flaky);
  if (
    flakyOnBase ||
    (question.proposable && question.verdict.evidence.some((e) => e.commit !== current.commit))
  ) {
    const seen = new Set(before.flatMap((o) => o.signatures ?? []));
    const signature =
      signatures.length === 0 || seen.size === 0
        ? {}
        : {
            signature: signatures.every((s) => seen.has(s)) ? ('seen' as const) : ('new' as const),
          };
    return { label: 'known-flaky', ...where, ...signature, ...own };
  }
  const latest = commits.at(-1);
  if (!latest) return { label: 'new-test', ...where, ...own };
  if (!latest.failing) return { label: 'new-failure', ...where, baseCommit: latest.commit, ...own };
  let first = commits.length - 1;
  while (first > 0 && commits[first - 1]!.failing) first--;
  const stretch = commits.slice(first);
  const onBase = new Set(stretch.flatMap((c) => c.signatures));
  const signature =
    signatures.length === 0 || onBase.size === 0
      ? {}
      : {
          signature: signatures.every((s) => onBase.has(s))
            ? ('same' as const)
            : ('different' as const),
        };
  return {
    label: 'fails-on-base',
    ...where,
    baseCommit: latest.commit,
    since: stretch[0]!.commit,
    baseFailures: { failing: commits.filter((c) => c.failing).length, commits: commits.length },
    ...signature,
    ...own,
  };
}

interface BaseCommit {
  commit: string;
  time: number;
  failing: boolean;
  /** Failed and passed at this commit (reruns, or a pass on retry): flaky on the base. */
  flaky: boolean;
  passed: boolean;
  signatures: string[];
}

/** The base branch's commits of the test, oldest first, skipped outcomes left out. */
function commitsOn(observations: Observation[], base: string | undefined): BaseCommit[] {
  const commits = new Map<string, BaseCommit>();
  for (const o of observations) {
    if (o.outcome === 'skipped' || (base !== undefined && o.run.branch !== base)) continue;
    let c = commits.get(o.run.commit);
    if (!c)
      commits.set(
        o.run.commit,
        (c = {
          commit: o.run.commit,
          time: o.run.time,
          failing: false,
          flaky: false,
          passed: false,
          signatures: [],
        }),
      );
    c.time = Math.min(c.time, o.run.time);
    const failing = isFailing(o.outcome);
    if (o.outcome === 'flaky' || (failing ? c.passed : c.failing)) c.flaky = true;
    if (failing) {
      c.failing = true;
      c.signatures.push(...(o.signatures ?? []));
    } else c.passed = true;
  }
  return [...commits.values()].sort(
    (a, b) => a.time - b.time || (a.commit < b.commit ? -1 : a.commit > b.commit ? 1 : 0),
  );
}
