import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticRecord, LegRecord, TestRecord } from '@testgate/stream';
import { merge, records, repoRoot } from './_run.js';

// CTRF reports written by the real reporters (fixtures/generate.mjs runs them): jest with
// jest-ctrf-json-reporter 0.0.11 and Playwright with playwright-ctrf-json-reporter 0.0.29.
const JEST = 'fixtures/ctrf/jest/outcomes-and-retries.json';
const PLAYWRIGHT = 'fixtures/ctrf/playwright/retries.json';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'junit-merge-ctrf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function mergeCtrf(path: string, extra: string[] = []) {
  const result = await merge([
    path,
    '--leg',
    'leg',
    '--started-at',
    '2026-01-01T00:00:00Z',
    ...extra,
  ]);
  const out = records(result.stdout);
  return {
    ...result,
    tests: out.filter((r): r is TestRecord => r.type === 'test'),
    leg: out.find((r): r is LegRecord => r.type === 'leg')!,
    diagnostics: out.filter((r): r is DiagnosticRecord => r.type === 'diagnostic'),
  };
}

const attemptOutcomes = (tests: TestRecord[]) =>
  Object.fromEntries(tests.map((t) => [t.id, [t.outcome, ...t.attempts.map((a) => a.outcome)]]));

/** The parts of a CTRF document the broken inputs change. */
interface CtrfDocument {
  specVersion?: string;
  results: { tests: Array<Record<string, unknown>> };
}

/** A real report with one thing broken in it, written to the scratch folder. */
function broken(name: string, change: (document: CtrfDocument) => unknown): string {
  const document = JSON.parse(readFileSync(join(repoRoot, JEST), 'utf8')) as CtrfDocument;
  const changed = change(document) ?? document;
  const path = join(dir, name);
  writeFileSync(path, typeof changed === 'string' ? changed : JSON.stringify(changed, null, 2));
  return path;
}

describe('CTRF reports beside JUnit', () => {
  for (const path of [JEST, PLAYWRIGHT]) {
    it(`${path}: merges to the expected stream`, async () => {
      const { code, stdout } = await mergeCtrf(path, ['--quiet']);
      expect(code).toBe(0);
      await expect(stdout).toMatchFileSnapshot(
        join(repoRoot, path.replace(/\.json$/, '.expected.jsonl')),
      );
    });
  }

  it('jest: retries as attempts from the legacy count, todo and pending as skipped, the suite path in the id', async () => {
    const { tests, leg, diagnostics } = await mergeCtrf(JEST);
    expect(leg.producers).toEqual(['ctrf']);
    expect(attemptOutcomes(tests)).toMatchObject({
      'retry.test.cjs::passes on retry': ['flaky', 'failed', 'passed'],
      'retry.test.cjs::always fails despite retries': ['failed', 'failed', 'failed', 'failed'],
      'outcomes.test.cjs::is skipped': ['skipped', 'skipped'],
      'outcomes.test.cjs::is a todo': ['skipped', 'skipped'],
      'outcomes.test.cjs > outer > inner::outer inner nested fails': ['failed', 'failed'],
      'outcomes.test.cjs::passes': ['passed', 'passed'],
    });
    const failed = tests.find((t) => t.id === 'outcomes.test.cjs::throws an error')!;
    expect(failed.attempts[0]!.message).toBe('TypeError: cannot read properties of undefined\n');
    expect(failed.attempts[0]!.details).toMatch(
      /^at Object.<anonymous> \(.*outcomes\.test\.cjs:4:9\)/,
    );
    expect(diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'info',
        'ctrf-legacy-shape',
        'jest-ctrf-json-reporter writes each suite as one string, which CTRF 0.0.0 does not allow: read as the spec means it',
      ],
    ]);
    expect(leg.counts).toMatchObject({ tests: 10, failed: 4, flaky: 1, skipped: 2, passed: 3 });
  });

  it('Playwright: retryAttempts are the earlier attempts, with their own messages', async () => {
    const { tests } = await mergeCtrf(PLAYWRIGHT);
    const id = (name: string) => `chromium > page.spec.mjs > a local page::${name}`;
    expect(attemptOutcomes(tests)).toEqual({
      [id('shows its heading')]: ['passed', 'passed'],
      [id('fails on the wrong heading')]: ['failed', 'failed', 'failed'],
      [id('passes on retry')]: ['flaky', 'failed', 'passed'],
      [id('is skipped')]: ['skipped', 'skipped'],
    });
    const flaky = tests.find((t) => t.id === id('passes on retry'))!;
    expect(flaky.attempts[0]!.message).toContain('fails on the first attempt on purpose');
  });

  it('a folder gives its JUnit files and its CTRF reports, not other JSON', async () => {
    const leg = join(dir, 'artifacts', 'unit');
    mkdirSync(leg, { recursive: true });
    writeFileSync(join(leg, 'ctrf-report.json'), readFileSync(join(repoRoot, JEST)));
    writeFileSync(join(leg, 'package.json'), '{"name":"app"}');
    writeFileSync(
      join(leg, 'junit.xml'),
      readFileSync(join(repoRoot, 'fixtures/junit/vitest/outcomes.xml')),
    );
    const { code, stdout } = await merge(['artifacts'], { cwd: dir });
    expect(code).toBe(0);
    const legRecord = records(stdout).find((r): r is LegRecord => r.type === 'leg')!;
    expect([...legRecord.files].sort()).toEqual([
      'artifacts/unit/ctrf-report.json',
      'artifacts/unit/junit.xml',
    ]);
    expect(legRecord.producers).toEqual(['ctrf', 'vitest']);
  });

  it('reads a report larger than one read of the file whole', async () => {
    const path = broken('three-megabytes.json', (d) => {
      const [template] = d.results.tests;
      d.results.tests = Array.from({ length: 6000 }, (_, n) => ({
        ...template,
        name: `case ${n}`,
        stdout: ['x'.repeat(400)],
      }));
    });
    const { tests, diagnostics } = await mergeCtrf(path);
    expect(readFileSync(path).length).toBeGreaterThan(3 << 20);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(tests.map((t) => t.name)).toEqual(Array.from({ length: 6000 }, (_, n) => `case ${n}`));
  });

  it('a test marked flaky with no attempts written passed after a failed one', async () => {
    const path = broken('flaky-without-retries.json', (d) => {
      const test = d.results.tests[0]!;
      test.retries = 0;
      test.flaky = true;
    });
    const { tests } = await mergeCtrf(path);
    expect(tests[0]!.outcome).toBe('flaky');
    expect(tests[0]!.attempts.map((a) => a.outcome)).toEqual(['failed', 'passed']);
  });

  it('status "other" is an error unless its raw status says the test did not run', async () => {
    const path = broken('other-status-crashed.json', (d) => {
      Object.assign(d.results.tests[2]!, {
        status: 'other',
        rawStatus: 'crashed',
        message: undefined,
      });
    });
    const { tests } = await mergeCtrf(path);
    const [attempt] = tests.find((t) => t.name === 'passes')!.attempts;
    expect(attempt).toMatchObject({
      outcome: 'error',
      message: 'status other (crashed)',
      report: path,
    });
  });

  // Each refused report is an error diagnostic naming the file, and none of its tests
  // count as passed: the leg is unreadable, so the gate is red.
  const refusals: Array<[string, (d: CtrfDocument) => unknown, string, string]> = [
    [
      'no-report-format-as-vitest-ctrf-json-reporter-0.0.3-writes.json',
      (d) => ({ results: d.results }),
      'ctrf-format-missing',
      'a test report in JSON without reportFormat "CTRF" and specVersion, so its format cannot be checked',
    ],
    [
      'spec-version-unknown.json',
      (d) => void (d.specVersion = '9.0.0'),
      'ctrf-spec-unsupported',
      'CTRF spec version "9.0.0": junit-merge reads 0.0.0',
    ],
    [
      'status-not-in-the-spec.json',
      (d) => void (d.results.tests[3]!.status = 'broken'),
      'ctrf-invalid',
      'not a valid CTRF 0.0.0 document: results.tests[3].status ("fails an assertion") must be equal to one of the allowed values',
    ],
    [
      'cut-off.json',
      (d) => JSON.stringify(d, null, 2).slice(0, 300),
      'ctrf-unreadable',
      'not valid JSON',
    ],
    [
      'package-json-not-a-report.json',
      () => ({ name: 'app', version: '1.0.0' }),
      'json-not-ctrf',
      'JSON, but no CTRF document (no reportFormat "CTRF") and no JUnit XML',
    ],
  ];
  for (const [name, change, code, message] of refusals) {
    it(`refuses ${name.replace(/\.json$/, '')}: ${code}`, async () => {
      const path = broken(name, change);
      const result = await mergeCtrf(path);
      expect(result.code).toBe(0);
      expect(result.tests).toEqual([]);
      expect(result.leg.status).toBe('unreadable');
      const [diagnostic] = result.diagnostics;
      expect(diagnostic).toMatchObject({ severity: 'error', code, file: path });
      expect(diagnostic!.message.startsWith(message)).toBe(true);
      expect(diagnostic!.hint).toBeTruthy();
      const strict = await merge([path, '--strict']);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toContain(`junit-merge: ${path}`);
    });
  }

  it('a cut-off report names its last line', async () => {
    const path = broken('cut-off.json', (d) => JSON.stringify(d, null, 2).slice(0, 300));
    const { diagnostics } = await mergeCtrf(path);
    expect(diagnostics[0]!.line).toBe(readFileSync(path, 'utf8').split('\n').length);
  });
});
