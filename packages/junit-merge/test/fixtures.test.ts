import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain script of the repository, without types
import { disagreements, secondOpinion } from '../../../scripts/second-opinion.mjs';
import { describe, expect, it } from 'vitest';
import type { TestRecord } from '@testgate/stream';
import { merge, records, repoRoot } from './_run.js';

const junitDir = join(repoRoot, 'fixtures/junit');
// A report, or a folder of reports that one leg wrote (merged as that leg).
const fixtures = readdirSync(junitDir).flatMap((producer) =>
  readdirSync(join(junitDir, producer), { withFileTypes: true })
    .filter((f) => f.isDirectory() || f.name.endsWith('.xml'))
    .map((f) => ({
      producer,
      name: f.isDirectory() ? f.name : f.name.slice(0, -4),
      path: `fixtures/junit/${producer}/${f.name}`,
    })),
);

async function mergeFixture(path: string, leg: string) {
  return merge([path, '--leg', leg, '--started-at', '2026-01-01T00:00:00Z', '--quiet']);
}

describe('fixtures written by real runners', () => {
  it('cover every producer that runs here', () => {
    expect(new Set(fixtures.map((f) => f.producer))).toEqual(
      new Set([
        'ctest',
        'googletest',
        'gotestsum',
        'jest',
        'mocha',
        'node-test',
        'playwright',
        'pytest',
        'vitest',
      ]),
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

    it(`${producer}/${name}: agrees with a second, independent reader on tests and outcomes`, async () => {
      for (const file of reportsOf(path)) {
        const opinion = await secondOpinion(readFileSync(join(repoRoot, file), 'utf8'));
        const tests = records((await mergeFixture(file, 'leg')).stdout).filter(
          (r): r is TestRecord => r.type === 'test',
        );
        expect(disagreements(tests, opinion), file).toEqual([]);
      }
    });
  }
});

/** The report files of a fixture: itself, or those of its folder. */
function reportsOf(path: string): string[] {
  const full = join(repoRoot, path);
  return statSync(full).isDirectory()
    ? readdirSync(full)
        .filter((f) => f.endsWith('.xml'))
        .sort()
        .map((f) => `${path}/${f}`)
    : [path];
}
