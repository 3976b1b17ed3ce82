import { describe, expect, it } from 'vitest';
import type { TestgateRecord } from '@testgate/stream';
import { applyQuarantine } from '../src/index.js';

const test = (id: string, leg: string, outcome: 'passed' | 'failed'): TestgateRecord => ({
  type: 'test',
  id,
  leg,
  name: id,
  classname: '',
  attempts: [{ outcome }],
  outcome,
});

async function run(records: TestgateRecord[], entries: object[]): Promise<TestgateRecord[]> {
  async function* input(): AsyncGenerator<TestgateRecord> {
    yield { type: 'run', version: 1, tool: 'junit-merge' };
    yield* records;
    yield { type: 'end', tool: 'junit-merge', records: records.length + 1 };
  }
  const out: TestgateRecord[] = [];
  for await (const r of applyQuarantine(
    input(),
    { quarantined: entries as never },
    { today: '2026-11-01' },
  ))
    out.push(r);
  return out;
}

const entry = { reason: 'r', owner: 'o', quarantinedDate: '2026-10-01', deadline: '2026-11-10' };

describe('applyQuarantine', () => {
  it('matches exact ids, globs, and legs restricted by glob', async () => {
    const out = await run(
      [
        test('a::x', 'unit-22', 'failed'),
        test('a::x', 'e2e', 'failed'),
        test('b::flaky 1', 'e2e', 'failed'),
        test('c::y', 'unit-22', 'passed'),
      ],
      [
        { ...entry, test: 'a::x', legs: ['unit-*'] },
        { ...entry, test: 'b::flaky *' },
      ],
    );
    const marks = out
      .filter((r) => r.type === 'test')
      .map((r) => [r.id, r.leg, (r.quarantine as { blocks?: boolean } | undefined)?.blocks]);
    expect(marks).toEqual([
      ['a::x', 'unit-22', false],
      ['a::x', 'e2e', undefined],
      ['b::flaky 1', 'e2e', false],
      ['c::y', 'unit-22', undefined],
    ]);
    expect(out.map((r) => r.type)).toEqual(['run', 'test', 'test', 'test', 'test']);
  });

  it('leaves the end record to the writer and keeps one run record for concatenated streams', async () => {
    async function* twice(): AsyncGenerator<TestgateRecord> {
      for (let n = 0; n < 2; n++) {
        yield { type: 'run', version: 1, tool: 'junit-merge' };
        yield test(`t${n}`, 'l', 'passed');
        yield { type: 'end', tool: 'junit-merge', records: 2 };
      }
    }
    const out: TestgateRecord[] = [];
    for await (const r of applyQuarantine(twice(), { quarantined: [] }, { today: '2026-11-01' }))
      out.push(r);
    expect(out.map((r) => r.type)).toEqual(['run', 'test', 'test']);
  });
});
