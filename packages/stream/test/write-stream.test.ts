import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PipeClosedError, RecordWriter, type TestRecord } from '../src/index.js';

function test(n: number): TestRecord {
  return {
    type: 'test',
    id: `t${n}`,
    leg: 'api',
    name: `t${n}`,
    classname: '',
    attempts: [{ outcome: 'passed' }],
    outcome: 'passed',
  };
}

describe('RecordWriter', () => {
  it('waits for a slow reader (back-pressure) and ends with a counting end record', async () => {
    const chunks: string[] = [];
    let pending = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        pending++;
        setImmediate(() => {
          pending--;
          done();
        });
      },
    });
    const writer = new RecordWriter(slow, { tool: 'test-tool' });
    let waits = 0;
    for (let n = 0; n < 5000; n++) {
      const wait = writer.write(test(n));
      if (wait) {
        waits++;
        await wait;
      }
    }
    await writer.end();
    await new Promise((done) => slow.end(done));
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(5001);
    expect(JSON.parse(lines[5000]!)).toEqual({ type: 'end', tool: 'test-tool', records: 5000 });
    expect(waits).toBeGreaterThan(0);
    expect(pending).toBe(0);
  });

  it('refuses to write a record that does not match the schema', () => {
    const writer = new RecordWriter(new Writable({ write: (_c, _e, done) => done() }), {
      tool: 'x',
    });
    const bad = { ...test(1), outcome: 'green' } as unknown as TestRecord;
    expect(() => writer.write(bad)).toThrow(/x made an invalid test record: outcome must be equal/);
  });

  it('turns a closed downstream pipe into PipeClosedError', async () => {
    const closed = new Writable({
      write(_chunk, _enc, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const writer = new RecordWriter(closed, { tool: 'x' });
    await expect(
      (async () => {
        for (let n = 0; n < 100_000; n++) {
          const wait = writer.write(test(n));
          if (wait) await wait;
        }
      })(),
    ).rejects.toBeInstanceOf(PipeClosedError);
  });
});
