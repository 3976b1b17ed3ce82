import type { Attempt, AttemptOutcome, TestRecord } from './generated/types.js';

/**
 * A test's outcome from its attempts: flaky when it both failed and passed; otherwise what
 * its final attempt that ran was (skipped when none ran). Every stage reads a test's
 * outcome this way, so a record whose `outcome` says otherwise is caught.
 */
export function foldOutcome(attempts: readonly Attempt[]): TestRecord['outcome'] {
  let passed = false;
  let failed = false;
  let final: AttemptOutcome = 'skipped';
  for (const attempt of attempts) {
    if (attempt.outcome === 'skipped') continue;
    final = attempt.outcome;
    if (attempt.outcome === 'passed') passed = true;
    else failed = true;
  }
  if (passed && failed) return 'flaky';
  return final;
}

/** What a failing test's attempts say happened: "failed in its only run", "failed in 3 of 3 attempts". */
export function attemptsSummary(attempts: readonly Attempt[]): string {
  const ran = attempts.filter((a) => a.outcome !== 'skipped');
  const failing = ran.filter((a) => a.outcome === 'failed' || a.outcome === 'error');
  const verb =
    failing.length > 0 && failing.every((a) => a.outcome === 'error') ? 'errored' : 'failed';
  if (ran.length <= 1) return `${verb} in its only run`;
  return `${verb} in ${failing.length} of ${ran.length} attempts`;
}

/** What `failureSignatures` gives for a failure without a signature. */
export const NO_SIGNATURE = '(none)';

/**
 * The signatures of a test's failed and errored attempts, each once; `(none)` for one
 * without (written by a junit-merge that made none): no pinned entry matches it.
 */
export function failureSignatures(test: TestRecord): string[] {
  const failing = test.attempts.filter((a) => a.outcome === 'failed' || a.outcome === 'error');
  return [
    ...new Set(failing.flatMap((a) => (a.signature === undefined ? [] : [a.signature]))),
  ].concat(failing.some((a) => a.signature === undefined) ? [NO_SIGNATURE] : []);
}
