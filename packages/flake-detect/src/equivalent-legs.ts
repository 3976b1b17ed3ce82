import type { LegRecord } from '@testgate/stream';

/** Matrix keys that only split one configuration's tests between jobs. */
const SHARD_KEY =
  /shard|^(?:chunk|split|partition|ci[-_]?node[-_]?(?:index|total)|node[-_]?(?:index|total)|parallel[-_]?(?:index|total))$/i;

/** A shard in a leg name: `-shard-2`, `_shard2of4`, ` (2/4)`, `-2-of-4`. */
const SHARD_IN_NAME =
  /[-_. ]?shard[-_. ]?\d+(?:[-_. ]?(?:of|\/)[-_. ]?\d+)?|[-_. ]?\(\d+\/\d+\)|-\d+-of-\d+/gi;

/**
 * The configuration a leg runs its tests in: its matrix values apart from the shard, or
 * without them its name without a shard part. Legs of one configuration are reruns of
 * one another for the tests they share: a pass in one and a failure in the other on the
 * same commit is flakiness.
 */
export function configurationOf(leg: Pick<LegRecord, 'name' | 'matrix'>): string {
  if (leg.matrix && Object.keys(leg.matrix).length > 0) {
    const kept = Object.entries(leg.matrix)
      .filter(([key]) => !SHARD_KEY.test(key))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A matrix of shards alone says nothing of the rest: the name does.
    if (kept.length > 0) return `matrix:${JSON.stringify(kept)}`;
  }
  return `name:${leg.name.replace(SHARD_IN_NAME, '')}`;
}
