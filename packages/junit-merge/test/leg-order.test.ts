import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LegFiles } from '../src/_leg-files.js';
import { LegSink } from '../src/_leg-sink.js';

let dir: string;
let output: string;
let fd: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'junit-merge-order-'));
  output = join(dir, 'out.jsonl');
  fd = openSync(output, 'w');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const written = (): string => {
  closeSync(fd);
  return readFileSync(output, 'utf8');
};

describe('legs written in order while merged at once', () => {
  it('a leg behind the front waits in its file, then goes straight into the output once the front reaches it', () => {
    const files = new LegFiles(fd);
    const first = new LegSink(0, files.target(0));
    const second = new LegSink(1, files.target(1));
    second.write('b1\n'); // leg 0 is not done: into the file
    first.write('a1\n');
    first.write('a2\n');
    files.finished(0, first.end());
    second.write('b2\n'); // the front has reached leg 1: its file is copied first
    files.finished(1, second.end());
    expect(written()).toBe('a1\na2\nb1\nb2\n');
    files.dispose();
  });

  it('a leg done before its turn is copied by the main thread when the legs before it are written', () => {
    const files = new LegFiles(fd);
    const sinks = [0, 1, 2].map((index) => new LegSink(index, files.target(index)));
    sinks[2]!.write('c\n');
    files.finished(2, sinks[2]!.end());
    sinks[1]!.write('b\n');
    files.finished(1, sinks[1]!.end());
    expect(readFileSync(output, 'utf8')).toBe(''); // leg 0 still open
    sinks[0]!.write('a\n');
    files.finished(0, sinks[0]!.end());
    expect(written()).toBe('a\nb\nc\n');
    files.dispose();
  });

  it('without an output file every leg waits in its file and is read back in order', async () => {
    closeSync(fd);
    const files = new LegFiles();
    const sinks = [0, 1].map((index) => new LegSink(index, files.target(index)));
    sinks[1]!.write('b\n');
    sinks[0]!.write('a\n');
    for (const index of [1, 0]) files.finished(index, sinks[index]!.end());
    let text = '';
    for await (const chunk of files.read(2)) text += chunk.toString();
    expect(text).toBe('a\nb\n');
    files.dispose();
  });
});
