import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSource, mergeLegs } from '../src/index.js';
import { repoRoot } from './_run.js';

describe('mergeLegs, as a library', () => {
  it('yields each leg in name order, its tests made one by one, expected legs included', async () => {
    const legs = [
      {
        name: 'vitest',
        sources: [fileSource(join(repoRoot, 'fixtures/junit/vitest/retry.xml'), 'retry.xml')],
      },
      {
        name: 'pytest',
        sources: [fileSource(join(repoRoot, 'fixtures/junit/pytest/xunit2.xml'), 'xunit2.xml')],
      },
    ];
    const seen: string[] = [];
    for await (const { leg, tests, diagnostics } of mergeLegs(legs, {
      expect: [{ name: 'pytest' }, { name: 'vitest' }, { name: 'go' }],
    })) {
      const failed = [...tests].filter((t) => t.outcome === 'failed').map((t) => t.name);
      seen.push(
        `${leg.name}:${leg.status}:${leg.counts.tests}:${failed.join('|')}:${diagnostics.map((d) => d.code).join('|')}`,
      );
    }
    expect(seen).toEqual([
      'go:missing:0::leg-missing',
      'pytest:reported:12:test_fails_an_assertion|test_raises_an_error|test_parametrised[2]:',
      'vitest:reported:2:always fails despite retries:',
    ]);
  });
});
