import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestRecord } from '@testgate/stream';
import { fileSource, mergeRun, streamRecords } from '../src/index.js';
import { signatureOf, signatureText } from '../src/signature.js';
import { repoRoot } from './_run.js';

const junit = join(repoRoot, 'fixtures/junit');

/** The tests of fixture files, as junit-merge reads them. */
async function testsOf(...files: string[]): Promise<TestRecord[]> {
  const legs = files.map((file) => ({
    name: file,
    sources: [fileSource(join(junit, file), file)],
  }));
  const tests: TestRecord[] = [];
  for await (const record of streamRecords(mergeRun(legs, { env: {} })))
    if (record.type === 'test') tests.push(record);
  return tests;
}

const signatures = (test: TestRecord | undefined) =>
  (test?.attempts ?? []).flatMap((a) => (a.signature ? [a.signature] : []));

describe('failure signatures (sig1)', () => {
  it('every failed or errored attempt of every fixture has one, the hash of its normalised text', async () => {
    const files = readdirSync(junit, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.xml'),
    );
    let failing = 0;
    for (const test of await testsOf(...files))
      for (const attempt of test.attempts) {
        const fails = attempt.outcome === 'failed' || attempt.outcome === 'error';
        expect(attempt.signature !== undefined, `${test.id}`).toBe(fails);
        if (!fails) continue;
        failing++;
        expect(attempt.signature).toMatch(/^sig1:[0-9a-f]{12}$/);
        expect(attempt.signature).toBe(signatureOf(attempt.signatureText!));
      }
    expect(failing).toBeGreaterThan(30);
  });

  it('is the same for the same failure in every run of it, whatever its timing or how the runner wrote it', async () => {
    // gotestsum --rerun-fails: one test failing in all three runs.
    const [go] = (await testsOf('gotestsum/rerun-fails.xml')).filter((t) => t.outcome === 'failed');
    expect(signatures(go)).toHaveLength(3);
    expect(new Set(signatures(go)).size).toBe(1);
    // Playwright with retries: the first run's stack and the retry's report of it.
    const playwright = (await testsOf('playwright/include-retries.xml')).find((t) =>
      t.name.endsWith('fails on the wrong heading'),
    );
    expect(signatures(playwright)).toHaveLength(2);
    expect(new Set(signatures(playwright)).size).toBe(1);
  });

  it('differs for another assertion or another error, in every producer', async () => {
    for (const file of [
      'pytest/xunit2.xml',
      'jest/outcomes.xml',
      'mocha/outcomes.xml',
      'node-test/outcomes.xml',
    ]) {
      const failing = (await testsOf(file)).filter((t) => signatures(t).length > 0);
      expect(failing.length, file).toBeGreaterThan(1);
      expect(new Set(failing.map((t) => signatures(t)[0])).size, file).toBe(failing.length);
    }
  });

  // Hand-written: one failure as two machines and two runs would write it.
  const onRunner = {
    errorType: 'Error',
    message:
      'connect ECONNREFUSED 127.0.0.1:54321 after 1503ms (request 3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b at 2026-11-30T10:04:05.123Z, buffer 0x7ffd4a2b, upload /tmp/vitest-Xa81/blob.bin, db postgres://localhost:61234/app, commit 9f8e7d6c5b4a)',
    details: [
      'Error: connect ECONNREFUSED',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
      '    at Client.connect (/home/runner/work/app/app/node_modules/pg/lib/client.js:132:9)',
      '    at Object.<anonymous> (/home/runner/work/app/app/test/db.test.ts:41:7)',
    ].join('\n'),
  };
  const onLaptop = {
    errorType: 'Error',
    message:
      'connect ECONNREFUSED 127.0.0.1:49152 after 87ms (request 0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e at 2026-12-01T23:59:59.999Z, buffer 0x55e0c3a0, upload /var/folders/xy/T/vitest-Qq27/blob.bin, db postgres://localhost:5432/app, commit 1a2b3c4d5e6f)',
    details: [
      'Error: connect ECONNREFUSED',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)',
      '    at Client.connect (/Users/me/src/app/node_modules/pg/lib/client.js:132:9)',
      '    at Object.<anonymous> (/Users/me/src/app/test/db.test.ts:44:7)',
    ].join('\n'),
  };

  it('masks what changes between runs and machines, and keeps the test own frame', () => {
    const text = signatureText(onRunner);
    expect(text).toBe(signatureText(onLaptop));
    expect(text.split('\n')[2]).toBe('at Object.<anonymous> (db.test.ts:<n>:<n>)');
    expect(text).not.toMatch(/\d/);
  });

  it('tells another message, type or frame apart', () => {
    const base = signatureOf(signatureText(onRunner));
    for (const other of [
      { ...onRunner, message: onRunner.message.replace('ECONNREFUSED', 'ETIMEDOUT') },
      { ...onRunner, errorType: 'AggregateError' },
      { ...onRunner, details: onRunner.details.replace('db.test.ts', 'cache.test.ts') },
    ])
      expect(signatureOf(signatureText(other))).not.toBe(base);
  });
});
