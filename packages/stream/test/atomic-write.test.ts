import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'testgate-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const later = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('writeFileAtomically', () => {
  it('writes chunks that come slowly, and resolves to the bytes written', async () => {
    const file = join(dir, 'out.txt');
    const bytes = await writeFileAtomically(
      file,
      (async function* () {
        yield 'é';
        await later(20);
        yield 'bc';
      })(),
    );
    expect(bytes).toBe(4);
    expect(readFileSync(file, 'utf8')).toBe('ébc');
  });

  it('rejects (never crashes) when the folder is missing while the chunks are still coming', async () => {
    const slow = (async function* () {
      await later(50);
      yield 'a';
    })();
    await expect(writeFileAtomically(join(dir, 'missing', 'out.txt'), slow)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('keeps the old content and leaves no temporary file when the chunks fail', async () => {
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'old');
    const failing = (async function* () {
      yield 'new';
      throw new Error('source broke');
    })();
    await expect(writeFileAtomically(file, failing)).rejects.toThrow('source broke');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});
