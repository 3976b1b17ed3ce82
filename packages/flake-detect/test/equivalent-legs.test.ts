import { describe, expect, it } from 'vitest';
import { configurationOf } from '../src/index.js';

const same = (a: Parameters<typeof configurationOf>[0], b: Parameters<typeof configurationOf>[0]) =>
  configurationOf(a) === configurationOf(b);

describe('configurationOf: legs that are reruns of one another', () => {
  it('matches legs whose matrix values agree apart from the shard', () => {
    expect(
      same({ name: 'a', matrix: { node: 22 } }, { name: 'b', matrix: { node: 22, shard: 1 } }),
    ).toBe(true);
    expect(
      same(
        { name: 'a', matrix: { node: 22, shardIndex: 1, shardTotal: 2 } },
        { name: 'b', matrix: { node: 22, shardIndex: 2, shardTotal: 2 } },
      ),
    ).toBe(true);
    expect(
      same(
        { name: 'a', matrix: { CI_NODE_INDEX: 0, os: 'linux' } },
        { name: 'b', matrix: { os: 'linux' } },
      ),
    ).toBe(true);
  });

  it('keeps runtimes, services and anything else that is not a shard apart', () => {
    expect(same({ name: 'a', matrix: { node: 20 } }, { name: 'b', matrix: { node: 22 } })).toBe(
      false,
    );
    expect(
      same(
        { name: 'a', matrix: { node: 22, service: 'api' } },
        { name: 'b', matrix: { node: 22, service: 'web' } },
      ),
    ).toBe(false);
    expect(same({ name: 'a' }, { name: 'b' })).toBe(false);
  });

  it('reads the shard out of a leg name when the matrix says nothing else', () => {
    expect(same({ name: 'api-shard-1' }, { name: 'api-shard-2' })).toBe(true);
    expect(same({ name: 'api_shard2of4' }, { name: 'api' })).toBe(true);
    expect(same({ name: 'unit (1/3)' }, { name: 'unit (3/3)' })).toBe(true);
    expect(same({ name: 'e2e-2-of-4' }, { name: 'e2e-1-of-4' })).toBe(true);
    // A matrix of shards alone: the names tell the services apart.
    expect(
      same(
        { name: 'api-shard-1', matrix: { shard: 1 } },
        { name: 'web-shard-1', matrix: { shard: 1 } },
      ),
    ).toBe(false);
    expect(same({ name: 'api-22' }, { name: 'api-24' })).toBe(false);
  });
});
