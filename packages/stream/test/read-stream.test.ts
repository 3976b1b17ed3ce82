import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  InputError,
  asOneStream,
  readLineBatches,
  readRecords,
  type TestgateRecord,
} from '../src/index.js';
import { lines } from '../../../test-support/memory-io.js';

const run = { type: 'run', version: 1, tool: 'junit-merge' };
const test = {
  type: 'test',
  id: 'a::b',
  leg: 'api',
  name: 'b',
  classname: 'a',
  attempts: [{ outcome: 'passed' }],
  outcome: 'passed',
  extra: { kept: true },
};

async function read(text: string): Promise<TestgateRecord[]> {
  const out: TestgateRecord[] = [];
  for await (const record of readRecords(Readable.from([Buffer.from(text)]), { file: 'in.jsonl' }))
    out.push(record);
  return out;
}

async function failure(text: string): Promise<InputError> {
  try {
    await read(text);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the stream to be rejected');
}

describe('readRecords', () => {
  it('reads a whole stream and keeps fields it does not know', async () => {
    const records = await read(lines(run, test, { type: 'end', tool: 'x', records: 2 }));
    expect(records.map((r) => r.type)).toEqual(['run', 'test', 'end']);
    expect(records[1]).toEqual(test);
  });

  it('reads CRLF line endings, blank lines and a line split across chunks', async () => {
    const text =
      lines(run, test, { type: 'end', tool: 'x', records: 2 }).replaceAll('\n', '\r\n') + '\r\n';
    const chunks = [text.slice(0, 17), text.slice(17, 90), text.slice(90)].map((s) =>
      Buffer.from(s),
    );
    const out: TestgateRecord[] = [];
    for await (const record of readRecords(Readable.from(chunks))) out.push(record);
    expect(out).toHaveLength(3);
  });

  it('reads two concatenated streams', async () => {
    const one = lines(run, test, { type: 'end', tool: 'x', records: 2 });
    expect((await read(one + one)).length).toBe(6);
  });

  it('reports a stream cut off before its end record', async () => {
    const error = await failure(lines(run, test));
    expect(error.message).toBe('stream cut off after line 2: no end record');
    expect(error.place).toEqual({ file: 'in.jsonl' });
  });

  it('reports records lost between the stages', async () => {
    const error = await failure(lines(run, test, { type: 'end', tool: 'x', records: 5 }));
    expect(error.message).toBe('records were lost (expected 5 before the end record, got 2)');
    expect(error.place?.line).toBe(3);
  });

  it('rejects an unknown schema version by name', async () => {
    const error = await failure(lines({ ...run, version: 2 }));
    expect(error.message).toBe('unsupported stream version (expected version 1, got 2)');
  });

  it('names the field of a record that does not validate', async () => {
    const error = await failure(lines(run, { ...test, outcome: 'green' }));
    expect(error.message).toMatch(
      /^invalid test record: outcome must be equal to one of the allowed values \(passed, failed, error, skipped, flaky\)$/,
    );
    expect(error.place).toEqual({ file: 'in.jsonl', line: 2 });
  });

  it('rejects a line that is not JSON, echoing at most 200 characters', async () => {
    const error = await failure(`<html>${'x'.repeat(500)}</html>\n`);
    expect(error.message.startsWith('not a JSON record: "<html>')).toBe(true);
    expect(error.message.length).toBeLessThan(240);
    expect(error.hint).toMatch(/testgate stream/);
  });

  it('rejects a stream that does not start with a run record', async () => {
    expect((await failure(lines(test))).message).toBe(
      'expected a run record to start the stream, got test',
    );
  });

  it('rejects empty input', async () => {
    expect((await failure('')).message).toBe('empty input: no records');
  });

  it('rejects an unknown record type', async () => {
    const error = await failure(lines(run, { type: 'verdict' }));
    expect(error.message).toMatch(/unknown or missing "type"/);
  });

  it('refuses a timestamp out of its ranges and a duration no runner could take, naming the line', async () => {
    const badStart = await failure(
      `${JSON.stringify({ ...run, startedAt: '2026-13-45T99:99:99Z' })}\n`,
    );
    expect(badStart.message).toMatch(/invalid run record: startedAt must match pattern/);
    expect(badStart.place).toMatchObject({ file: 'in.jsonl', line: 1 });
    const huge = await failure(
      `${JSON.stringify(run)}\n${JSON.stringify({ ...test, attempts: [{ outcome: 'passed', duration: 1e308 }] })}\n`,
    );
    expect(huge.message).toMatch(
      /invalid test record: attempts\.0\.duration must be <= 1000000000/,
    );
    expect(huge.place).toMatchObject({ line: 2 });
  });

  it('joins a line that spans many chunks once, CRLF split across two chunks included', async () => {
    const long = 'x'.repeat(100_000);
    const chunks = [
      ...long.slice(0, 50_000).match(/.{1,1000}/g)!,
      `${long.slice(50_000)}\r`,
      '\nnext\n',
    ];
    const out: string[] = [];
    for await (const batch of readLineBatches(Readable.from(chunks))) out.push(...batch);
    expect(out).toEqual([long, 'next']);
  });

  it('refuses a line longer than its limit, naming its line', async () => {
    const lines = readLineBatches(
      Readable.from(['ok\n', 'y'.repeat(600), 'y'.repeat(600)]),
      'in.jsonl',
      1000,
    );
    await expect(async () => {
      for await (const batch of lines) void batch;
    }).rejects.toMatchObject({
      message: 'a line longer than 1000 characters',
      place: { file: 'in.jsonl', line: 2 },
    });
  });

  it('refuses a record nested deeper than any record could, naming its line', async () => {
    const deep = `${'['.repeat(1500)}${']'.repeat(1500)}`;
    const error = await failure(`${JSON.stringify(run).slice(0, -1)},"x":${deep}}\n`);
    expect(error.message).toBe('record nested more than 1000 levels deep');
    expect(error.place).toMatchObject({ file: 'in.jsonl', line: 1 });
  });
});

describe('asOneStream', () => {
  it('reads concatenated streams as one: the first run record, no end records', async () => {
    async function* records() {
      yield* [
        { type: 'run', version: 1, tool: 'a', commit: 'c1' },
        { type: 'leg', name: 'x', status: 'empty', files: [], counts: zero },
        { type: 'end', tool: 'a', records: 2 },
        { type: 'run', version: 1, tool: 'a', commit: 'c2' },
        { type: 'leg', name: 'y', status: 'empty', files: [], counts: zero },
        { type: 'end', tool: 'a', records: 2 },
      ] as TestgateRecord[];
    }
    const seen = [];
    for await (const r of asOneStream(records()))
      seen.push(r.type === 'run' ? `run ${r.commit}` : r.type === 'leg' ? `leg ${r.name}` : r.type);
    expect(seen).toEqual(['run c1', 'leg x', 'leg y']);
  });
});
const zero = { tests: 0, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 };
