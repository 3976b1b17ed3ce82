import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { fileSource, mergeRun, streamRecords, writeStream } from '../src/index.js';
import { repoRoot } from './_run.js';

const legs = () => [
  {
    name: 'vitest',
    sources: [fileSource(join(repoRoot, 'fixtures/junit/vitest/retry.xml'), 'retry.xml')],
  },
  {
    name: 'pytest',
    sources: [fileSource(join(repoRoot, 'fixtures/junit/pytest/xunit2.xml'), 'xunit2.xml')],
  },
];
const options = { expect: [{ name: 'pytest' }, { name: 'vitest' }, { name: 'go' }], env: {} };

describe('mergeRun, as a library', () => {
  it('yields the run record, then each leg in name order with its tests, expected legs included', async () => {
    const seen: string[] = [];
    let failed: string[] = [];
    for await (const record of streamRecords(mergeRun(legs(), options))) {
      if (record.type === 'run') seen.push(`run:${record.tool}:${record.ci}`);
      if (record.type === 'leg') {
        if (failed.length) seen.push(`failed:${failed.join('|')}`);
        failed = [];
        seen.push(`${record.name}:${record.status}:${record.counts.tests}`);
      }
      if (record.type === 'test' && record.outcome === 'failed') failed.push(record.name);
      if (record.type === 'diagnostic') seen.push(`diagnostic:${record.code}`);
    }
    if (failed.length) seen.push(`failed:${failed.join('|')}`);
    expect(seen).toEqual([
      'run:junit-merge:local',
      'go:missing:0',
      'diagnostic:leg-missing',
      'pytest:reported:12',
      'failed:test_fails_an_assertion|test_raises_an_error|test_parametrised[2]',
      'vitest:reported:2',
      'failed:always fails despite retries',
    ]);
  });

  it('writes the same records as JSON Lines, closed by the end record that counts them', async () => {
    const objects = [];
    for await (const record of streamRecords(mergeRun(legs(), options))) objects.push(record);
    const out = new PassThrough();
    const written = text(out);
    await writeStream(mergeRun(legs(), options), out);
    out.end();
    const lines = (await written)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.slice(0, -1)).toEqual(objects);
    expect(lines.at(-1)).toEqual({ type: 'end', tool: 'junit-merge', records: objects.length });
  });
});
