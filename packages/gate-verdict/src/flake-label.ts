import type { TestRef } from '@testgate/stream';

type Flake = NonNullable<TestRef['flake']>;

/**
 * flake-detect's verdict in a few words, for reports: why a failure is what it is.
 * Empty for a stable test (nothing to say) or a stream without flake-detect.
 */
export function flakeLabel(flake: Flake | undefined): string {
  if (!flake) return '';
  const label = statusLabel(flake);
  // The one label of the test, then the legs that read otherwise.
  const others = (flake.legs ?? [])
    .filter((l) => l.status !== flake.status)
    .map(
      (l) =>
        `${l.leg}: ${l.status === 'broken' ? `broken since ${l.brokenSince ?? '?'}` : l.status}`,
    );
  if (others.length === 0) return label;
  return `${label || flake.status} (${others.join('; ')})`;
}

function statusLabel(flake: Flake): string {
  const latest = flake.evidence[0];
  switch (flake.status) {
    case 'broken':
      return `broken since ${flake.brokenSince ?? latest?.commit ?? 'this commit'}`;
    case 'flaky':
      return latest
        ? `known flaky: failed and passed ${latest.rule === 'same-run' ? 'in one run' : latest.runs.some((r) => r.leg !== undefined) ? 'in legs that differ only by shard' : 'in reruns'} of ${latest.commit}`
        : 'known flaky';
    case 'suspect':
      return `suspect: failed on ${flake.sample?.failures ?? '?'} of ${flake.sample?.commits ?? '?'} commits${flake.score === undefined ? '' : ` (flake rate ≥ ${Math.round(flake.score * 1000) / 10}%)`}`;
    case 'new':
      return 'new test';
    default:
      return '';
  }
}
