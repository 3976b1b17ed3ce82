import type { VerdictLeg } from '@testgate/stream';
import { formatSeconds } from './durations.js';

/** How evenly one configuration's shards ran: the slowest against the mean, measured and planned. */
export interface ShardBalance {
  /** The matrix values the shards share (`kind=unit node=24`). */
  configuration: string;
  shards: number;
  slowest: VerdictLeg & { duration: number };
  /** The slowest shard's time over the mean shard's, as measured. */
  measured: number;
  /** The same of the plan; undefined when the plan had no timings. */
  planned: number | undefined;
}

/** A measured imbalance this much over the planned one says the timings are out of date. */
const STALE = 1.15;

/**
 * The balance of sharded legs (a `shard` matrix value, as `--expect plan.json` gives): per
 * configuration (the other matrix values, so a Node line's shards are set against each
 * other), the one whose shards ran least evenly, when two or more reported a time.
 */
export function shardBalance(legs: readonly VerdictLeg[]): ShardBalance | undefined {
  const groups = new Map<string, Array<VerdictLeg & { duration: number }>>();
  for (const leg of legs) {
    if (leg.matrix?.shard === undefined || leg.duration === undefined || leg.status !== 'reported')
      continue;
    const configuration = Object.entries(leg.matrix)
      .filter(([key]) => key !== 'shard')
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    groups.set(configuration, [
      ...(groups.get(configuration) ?? []),
      leg as VerdictLeg & { duration: number },
    ]);
  }
  let worst: ShardBalance | undefined;
  for (const [configuration, shards] of groups) {
    if (shards.length < 2) continue;
    const planned = shards.every((s) => s.planned !== undefined)
      ? ratio(shards.map((s) => s.planned!))
      : undefined;
    const balance: ShardBalance = {
      configuration,
      shards: shards.length,
      slowest: shards.reduce((a, b) => (b.duration > a.duration ? b : a)),
      measured: ratio(shards.map((s) => s.duration)),
      planned,
    };
    if (!worst || balance.measured > worst.measured) worst = balance;
  }
  return worst;
}

function ratio(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean > 0 ? Math.max(...values) / mean : 1;
}

/** One line on the balance, for the terminal, the Markdown summary and the HTML report. */
export function balanceLine(balance: ShardBalance): string {
  const { slowest, measured, planned } = balance;
  const group = balance.configuration === '' ? '' : ` (${balance.configuration})`;
  const head = `${balance.shards} shards${group}: the slowest, ${slowest.name}, took ${formatSeconds(slowest.duration)}`;
  if (planned === undefined)
    return `${head}, ${measured.toFixed(2)}x the mean (planned without timings: the next plan can use this run's)`;
  const stale =
    measured > planned * STALE ? ': the timings are out of date, plan from newer runs' : '';
  return `${head} for ${formatSeconds(slowest.planned!)} planned, ${measured.toFixed(2)}x the mean against the plan's ${planned.toFixed(2)}x${stale}`;
}

/** A leg's planned time beside its measured one, or nothing for a leg no plan gave a time. */
export function plannedNote(leg: VerdictLeg): string {
  return leg.planned === undefined ? '' : `planned ${formatSeconds(leg.planned)}`;
}
