import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a script of the demo, plain JavaScript
import { pipeline } from '../demo/pipeline.mjs';

const dir = mkdtempSync(join(tmpdir(), 'demo-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const node = (code: string) => [process.execPath, '-e', code];

describe("the demo's pipeline", () => {
  it('pipes each stage into the next, and tees the first into a path that a shell would expand', async () => {
    const tee = join(dir, 'run $HOME `id`.jsonl');
    const status = await pipeline(
      [
        node('process.stdout.write("a\\nb\\n")'),
        node('process.stdin.pipe(process.stdout)'),
        node(
          `let t = ""; process.stdin.on("data", (c) => (t += c)).on("end", () => require("fs").writeFileSync(${JSON.stringify(join(dir, 'last'))}, t.toUpperCase()))`,
        ),
      ],
      { cwd: dir, tee },
    );
    expect(status).toBe(0);
    expect(readFileSync(tee, 'utf8')).toBe('a\nb\n');
    expect(readFileSync(join(dir, 'last'), 'utf8')).toBe('A\nB\n');
    expect(existsSync(join(dir, 'run '))).toBe(false);
  });

  it('ends with the status set -o pipefail gives: the last stage that failed', async () => {
    const status = await pipeline(
      [
        node('process.exit(3)'),
        node('process.stdin.resume(); process.exitCode = 0'),
        node('process.exit(1)'),
      ],
      { cwd: dir },
    );
    expect(status).toBe(1);
    expect(
      await pipeline([node('process.exit(3)'), node('process.stdin.resume()')], { cwd: dir }),
    ).toBe(3);
  });
});
