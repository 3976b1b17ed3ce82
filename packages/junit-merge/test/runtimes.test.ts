import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { nodeBinary } from '../../../scripts/node-runtime.mjs';
import { repoRoot } from './_run.js';

const bin = join(repoRoot, 'packages/junit-merge/bin.js');
const args = ['fixtures/junit/**/*.xml', '--started-at', '2026-01-01T00:00:00Z', '-q'];

function merge(node: string, extra: string[] = []) {
  return spawnSync(node, [bin, ...args, ...extra], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { PATH: process.env.PATH },
  });
}

// The supported lines: the built package must behave the same on each, byte for byte.
describe.each([22, 24])('on Node %i', (major) => {
  it('writes the same stream as on this Node, in one thread and on worker threads', () => {
    const node = nodeBinary(major) as string;
    expect(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout).toMatch(
      new RegExp(`^v${major}\\.`),
    );
    const here = merge(process.execPath);
    expect(here.status).toBe(0);
    for (const extra of [[], ['--jobs', '2']]) {
      const there = merge(node, extra);
      expect(there.stderr).toBe('');
      expect(there.status).toBe(0);
      expect(there.stdout).toBe(here.stdout);
    }
  }, 180_000);
});
