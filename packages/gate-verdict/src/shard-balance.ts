import type { VerdictLeg } from '@testgate/stream';
import { formatSeconds } from './durations.js';

/** How evenly the planned shards ran: the slowest against the mean, measured and planned. */
export interface ShardBalance {
  shards: number;
  slowest: VerdictLeg;
  /** The slowest shard's time over the mean shard's, as measured. */
  measured: number;
  /** The same of the plan. */
  planned: number;
}

/**
 * The balance of the legs a shard plan gave times, when two or more of them reported a
 * time: a plan whose measured imbalance grows past its planned one is out of date.
 */
export function shardBalance(legs: readonly VerdictLeg[]): ShardBalance | undefined {
  const shards = legs.filter(
    (l): l is VerdictLeg & { planned: number; duration: number } =>
      l.planned !== undefined && l.duration !== undefined && l.status === 'reported',
  );
  if (shards.length < 2) return undefined;
  const ratio = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return mean > 0 ? Math.max(...values) / mean : 1;
  };
  const slowest = shards.reduce((a, b) => (b.duration > a.duration ? b : a));
  return {
    shards: shards.length,
    slowest,
    measured: ratio(shards.map((s) => s.duration)),
    planned: ratio(shards.map((s) => s.planned)),
  };
}

/** One line on the balance, for the terminal and the Markdown summary. */
export function balanceLine(balance: ShardBalance): string {
  return `${balance.shards} planned shards: the slowest (${balance.slowest.name}, ${formatSeconds(balance.slowest.duration!)} for ${formatSeconds(balance.slowest.planned!)} planned) took ${balance.measured.toFixed(2)}x the mean, the plan ${balance.planned.toFixed(2)}x${balance.measured > balance.planned * 1.15 ? ': the timings are out of date, plan from newer runs' : ''}`;
}

/** A leg's planned time beside its measured one, or nothing for a leg no plan gave a time. */
export function plannedNote(leg: VerdictLeg): string {
  return leg.planned === undefined ? '' : `planned ${formatSeconds(leg.planned)}`;
}
