import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { nodeBinary } from '../../../scripts/node-runtime.mjs';
import { flakeDetect, stream } from './_streams.js';

const dir = mkdtempSync(join(tmpdir(), 'flake-detect-runtimes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A history of a flaky, a broken and a stable test, recorded run by run with `node`. */
function play(node: string, history: string): string {
  let last = '';
  for (let i = 0; i < 6; i++) {
    const input = stream({
      commit: `c${i}`,
      branch: 'main',
      run: `${i}`,
      startedAt: `2026-11-2${i}T10:00:00.000Z`,
      legs: {
        unit: {
          flaky: i === 2 ? 'flaky' : 'passed',
          broken: i >= 4 ? 'failed' : 'passed',
          fine: 'passed',
        },
      },
    });
    const r = spawnSync(node, [flakeDetect, '--history', history, '--record'], {
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.status, r.stderr).toBe(0);
    last = r.stdout;
  }
  return last;
}

// The supported lines: the built package must behave the same on each, byte for byte.
describe.each([22, 24])('on Node %i', (major) => {
  it('labels and records the same as on this Node', () => {
    const node = nodeBinary(major) as string;
    expect(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout).toMatch(
      new RegExp(`^v${major}\\.`),
    );
    const here = play(process.execPath, join(dir, `here-${major}`));
    const there = play(node, join(dir, `there-${major}`));
    expect(there).toBe(here);
    expect(there).toContain('"flake":{"status":"broken"');
    expect(there).toContain('"flake":{"status":"flaky"');
  }, 180_000);
});
