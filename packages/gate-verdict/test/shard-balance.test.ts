import { describe, expect, it } from 'vitest';
import type { VerdictLeg } from '@testgate/stream';
import { balanceLine, shardBalance } from '../src/shard-balance.js';

const counts = { tests: 1, passed: 1, failed: 0, error: 0, skipped: 0, flaky: 0 };
const leg = (
  name: string,
  node: number,
  shard: number,
  duration: number,
  planned?: number,
): VerdictLeg => ({
  name,
  status: 'reported',
  counts,
  matrix: { kind: 'unit', node, shard },
  duration,
  ...(planned !== undefined && { planned }),
});

describe('the shards’ balance', () => {
  it('sets the shards of one configuration against each other, and names the least even one', () => {
    const balance = shardBalance([
      leg('unit-node22-1', 22, 1, 100, 100),
      leg('unit-node22-2', 22, 2, 100, 100),
      leg('unit-node24-1', 24, 1, 60, 100),
      leg('unit-node24-2', 24, 2, 140, 100),
      { name: 'e2e', status: 'reported', counts, duration: 500 },
    ]);
    expect(balance).toMatchObject({
      configuration: 'kind=unit node=24',
      shards: 2,
      measured: 1.4,
      planned: 1,
    });
    expect(balanceLine(balance!)).toBe(
      "2 shards (kind=unit node=24): the slowest, unit-node24-2, took 2 m 20 s for 1 m 40 s planned, 1.40x the mean against the plan's 1.00x: the timings are out of date, plan from newer runs",
    );
  });

  it('says a plan without timings planned no time, and gives nothing for one shard or none', () => {
    const cold = shardBalance([leg('unit-1', 24, 1, 2), leg('unit-2', 24, 2, 3)]);
    expect(balanceLine(cold!)).toBe(
      "2 shards (kind=unit node=24): the slowest, unit-2, took 3 s, 1.20x the mean (planned without timings: the next plan can use this run's)",
    );
    expect(shardBalance([leg('unit-1', 24, 1, 2)])).toBeUndefined();
    expect(shardBalance([{ name: 'a', status: 'reported', counts, duration: 1 }])).toBeUndefined();
  });
});
