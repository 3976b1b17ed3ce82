import type { FailureCause, TestRef } from '@testgate/stream';

type Flake = NonNullable<TestRef['flake']>;

/**
 * flake-detect's verdict in a few words, for reports: why a failure is what it is. A
 * failing test's cause (did this change cause it) leads. Empty for a stable test
 * (nothing to say) or a stream without flake-detect.
 */
export function flakeLabel(flake: Flake | undefined): string {
  if (!flake) return '';
  const status = statusLabel(flake);
  const label = flake.cause ? causeLabel(flake.cause, status) : status;
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

/** flake-detect's groups of flaky tests that fail together: a section of their own in reports. */
export const CO_FAILING = 'flake-co-failing';

/** The order blocking failures are listed in: what this change caused first. */
export function causeRank(flake: Flake | undefined): number {
  const cause = flake?.cause;
  switch (cause?.label) {
    case 'new-failure':
      return 0;
    case 'new-test':
      return 1;
    case undefined:
      return 2;
    case 'known-flaky':
      return cause.signature === 'new' ? 3 : 5;
    case 'fails-on-base':
      return cause.signature === 'different' ? 3 : 4;
    case 'infra':
      return 6;
  }
}

/** Each cause's name in the reports' counts, in the order they are counted. */
const CAUSE_NAMES: Record<FailureCause['label'], string> = {
  'new-failure': 'new failure',
  'new-test': 'new test',
  'fails-on-base': 'fails on the base branch too',
  'known-flaky': 'known flaky',
  infra: 'infra',
};

/** How many blocking failures have each cause, those caused by this change first. */
export function causeCounts(blocking: TestRef[]): string {
  const counts = new Map<FailureCause['label'], number>();
  for (const t of blocking) {
    const label = t.flake?.cause?.label;
    if (label) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return Object.entries(CAUSE_NAMES)
    .filter(([label]) => counts.has(label as FailureCause['label']))
    .map(([label, name]) => `${counts.get(label as FailureCause['label'])} ${name}`)
    .join(', ');
}

function causeLabel(cause: FailureCause, status: string): string {
  const text = causeText(cause);
  // A known flake's evidence adds to it; the other causes say more than "broken since".
  if (cause.label !== 'known-flaky') return text;
  const evidence = status.replace(/^known flaky:?\s*/, '');
  return evidence ? `${text} (${evidence})` : text;
}

function causeText(cause: FailureCause): string {
  const base = cause.base ?? 'any branch';
  switch (cause.label) {
    case 'new-failure':
      return `new failure: passed on ${base} at ${short(cause.baseCommit)}`;
    case 'new-test':
      return `new test: never recorded on ${base}`;
    case 'infra':
      return 'infra: its leg failed en masse in this run';
    case 'known-flaky':
      return cause.signature === 'new'
        ? 'known flaky, failing a new way (signature not seen before)'
        : cause.signature === 'seen'
          ? 'known flaky, failing its usual way'
          : 'known flaky';
    case 'fails-on-base': {
      const { failing, commits } = cause.baseFailures ?? { failing: 0, commits: 0 };
      const how =
        cause.signature === 'same'
          ? ', the same failure'
          : cause.signature === 'different'
            ? ', but failing a different way here'
            : '';
      return `fails on ${base} too: since ${short(cause.since)}, ${failing} of ${commits} recorded commits${how}`;
    }
  }
}

/** A commit as people read it: a full SHA cut to 12 digits. */
function short(commit: string | undefined): string {
  if (commit === undefined) return '?';
  return /^[0-9a-f]{40}$/.test(commit) ? commit.slice(0, 12) : commit;
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
