import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { TestRecord } from '@testgate/stream';
import { merge, records, repoRoot } from './_run.js';

const junitDir = join(repoRoot, 'fixtures/junit');
const fixtures = readdirSync(junitDir).flatMap((producer) =>
  readdirSync(join(junitDir, producer))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => ({ producer, name: f.slice(0, -4), path: `fixtures/junit/${producer}/${f}` })),
);

async function mergeFixture(path: string, leg: string) {
  return merge([path, '--leg', leg, '--started-at', '2026-01-01T00:00:00Z', '--quiet']);
}

describe('fixtures written by real runners', () => {
  it('cover every producer that runs here', () => {
    expect(new Set(fixtures.map((f) => f.producer))).toEqual(
      new Set(['jest', 'mocha', 'node-test', 'playwright', 'pytest', 'vitest']),
    );
  });

  for (const { producer, name, path } of fixtures) {
    it(`${producer}/${name}: merges to the expected stream`, async () => {
      const { code, stdout, stderr } = await mergeFixture(path, `${producer}-${name}`);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      records(stdout);
      await expect(stdout).toMatchFileSnapshot(join(junitDir, producer, `${name}.expected.jsonl`));
    });

    it(`${producer}/${name}: agrees with junit2json on names, counts and outcomes`, async () => {
      const oracle = await oracleOutcomes(readFileSync(join(repoRoot, path), 'utf8'));
      const tests = records((await mergeFixture(path, 'leg')).stdout).filter(
        (r): r is TestRecord => r.type === 'test',
      );
      const ours = new Map(tests.map((t) => [`${t.classname}\u0000${t.name}`, finalOutcome(t)]));
      expect(ours.size).toBe(tests.length);
      expect(ours).toEqual(oracle);
    });
  }
});

type Outcome = 'passed' | 'failed' | 'error' | 'skipped';
const SEVERITY: Record<Outcome, number> = { passed: 0, skipped: 1, failed: 2, error: 3 };

/** What junit2json sees: every testcase under any suite, its worst result per (classname, name). */
async function oracleOutcomes(xml: string): Promise<Map<string, Outcome>> {
  const root = (await parse(xml)) as Record<string, unknown>;
  const outcomes = new Map<string, Outcome>();
  const walk = (node: Record<string, unknown>): void => {
    for (const testcase of (node.testcase as Record<string, unknown>[] | undefined) ?? []) {
      const outcome: Outcome = testcase.error
        ? 'error'
        : testcase.failure
          ? 'failed'
          : testcase.skipped
            ? 'skipped'
            : 'passed';
      const key = `${(testcase.classname as string | undefined) ?? ''}\u0000${(testcase.name as string | undefined) ?? ''}`;
      const seen = outcomes.get(key);
      if (!seen || SEVERITY[outcome] > SEVERITY[seen]) outcomes.set(key, outcome);
    }
    for (const suite of (node.testsuite as Record<string, unknown>[] | undefined) ?? [])
      walk(suite);
  };
  walk(root);
  return outcomes;
}

/** Our outcome in the oracle's terms: a flaky test ended passing; the oracle knows no retries. */
function finalOutcome(test: TestRecord): Outcome {
  if (test.outcome === 'flaky') return 'passed';
  return test.outcome;
}
