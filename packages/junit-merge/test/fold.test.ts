import { describe, expect, it } from 'vitest';
import { toJsonLine } from '@testgate/stream';
import { foldOutcome } from '@testgate/stream';
import { LegFolder } from '../src/fold.js';
import { isPlain } from '../src/plain-cases.js';
import { PlainLines } from '../src/plain-line.js';
import { dialectNamed } from '../src/dialects/index.js';
import { signatureOf } from '../src/signature.js';
import { joinId, testId, testKey } from '../src/identity.js';
import type { ParsedCase, ParsedReport, Producer } from '../src/model.js';

function tc(
  name: string,
  results: ParsedCase['results'] = [],
  extra: Partial<ParsedCase> = {},
): ParsedCase {
  return { name, classname: 'C', suites: ['S'], results, report: 'r.xml', ...extra };
}

function report(cases: ParsedCase[], extra: Partial<ParsedReport> = {}): ParsedReport {
  return { report: 'r.xml', producer: undefined, cases, diagnostics: [], readable: true, ...extra };
}

const fail = { kind: 'failure' as const, message: 'boom' };

/** A failed attempt's signature fields, for a normalised failure text. */
const signed = (signatureText: string) => ({
  signatureText,
  signature: signatureOf(signatureText),
});

/** The leg's reports folded in attempt order, as the merge adds them; tests as an array. */
function fold(reports: ParsedReport[], expected = false) {
  const folder = new LegFolder('junit-merge');
  for (const r of [...reports].sort((a, b) => (a.attempt ?? 1) - (b.attempt ?? 1))) folder.add(r);
  const batch = folder.finish({ name: 'api', expected });
  return { ...batch, tests: [...batch.tests.records()] };
}

describe('folding a leg', () => {
  it('makes one record per test, in report order, with counts', () => {
    const { leg, tests, diagnostics } = fold([
      report([tc('b'), tc('a', [fail]), tc('c', [{ kind: 'skipped' }])], { duration: 2 }),
    ]);
    expect(tests.map((t) => [t.id, t.outcome])).toEqual([
      ['C::b', 'passed'],
      ['C::a', 'failed'],
      ['C::c', 'skipped'],
    ]);
    expect(leg).toEqual({
      type: 'leg',
      name: 'api',
      status: 'reported',
      files: ['r.xml'],
      counts: { tests: 3, passed: 1, failed: 1, error: 0, skipped: 1, flaky: 0 },
      duration: 2,
    });
    expect(diagnostics).toEqual([]);
  });

  it("folds a test in a rerun's report (attempt 2 of the same path) into attempts, in attempt order: failed then passed is flaky", () => {
    const first = report([tc('t', [fail], { report: 'leg/junit.xml' })], {
      report: 'leg/junit.xml',
      earliestTimestamp: '2026-01-01T00:05:00.000Z',
    });
    const rerun = report([tc('t', [], { report: 'leg/attempt-2/junit.xml' })], {
      report: 'leg/attempt-2/junit.xml',
      attempt: 2,
      logicalReport: 'leg/junit.xml',
      earliestTimestamp: '2026-01-01T00:00:00.000Z',
    });
    const { tests, leg } = fold([rerun, first]);
    expect(tests[0]!.attempts.map((a) => [a.outcome, a.report])).toEqual([
      ['failed', 'leg/junit.xml'],
      ['passed', 'leg/attempt-2/junit.xml'],
    ]);
    expect(tests[0]!.outcome).toBe('flaky');
    expect(leg.files).toEqual(['leg/junit.xml', 'leg/attempt-2/junit.xml']);
  });

  it('keeps the same test name in two ordinary reports of a leg as two tests, qualified by report: a failure in one blocks', () => {
    const py311 = report([tc('t', [fail], { report: 'leg/py311.xml' })], {
      report: 'leg/py311.xml',
    });
    const py312 = report([tc('t', [], { report: 'leg/py312.xml' })], { report: 'leg/py312.xml' });
    const { tests, leg, diagnostics } = fold([py311, py312]);
    expect(tests.map((t) => [t.id, t.outcome])).toEqual([
      ['C::t @ py311.xml', 'failed'],
      ['C::t @ py312.xml', 'passed'],
    ]);
    expect(leg.counts).toMatchObject({ tests: 2, failed: 1, passed: 1, flaky: 0 });
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([['info', 'id-qualified']]);
  });

  it('tells namesakes apart by file before report, keeping only the folders that differ', () => {
    const a = tc('t', [fail], { file: '/home/runner/work/r/r/cypress/e2e/a.cy.js' });
    const b = tc('t', [], { file: '/home/runner/work/r/r/cypress/e2e/b.cy.js' });
    const { tests } = fold([report([a, b], { producer: 'mocha' })]);
    expect(tests.map((t) => [t.id, t.outcome])).toEqual([
      ['t @ a.cy.js', 'failed'],
      ['t @ b.cy.js', 'passed'],
    ]);
  });

  it('qualifies each title repeated in the same files, and in other files, by its own files', () => {
    // One report per spec, as mocha-junit-reporter writes them: titles repeat across specs,
    // and a report's testcases share their suite path, as the parser gives it.
    const spec = (file: string, titles: Array<[string, ParsedCase['results']]>) => {
      const suites = ['S'];
      return report(
        titles.map(([title, results]) => tc(title, results, { file, report: file, suites })),
        { report: file, producer: 'mocha' },
      );
    };
    const reports = [
      spec('/w/e2e/a.cy.js', [
        ['renders', []],
        ['updates', []],
        ['opens', []],
        ['saves', [fail]],
      ]),
      spec('/w/e2e/b.cy.js', [
        ['renders', []],
        ['updates', []],
        ['saves', []],
      ]),
      spec('/w/unit/c.cy.js', [['opens', []]]),
    ];
    const folder = new LegFolder('junit-merge');
    for (const r of reports) folder.add(r);
    const { tests } = folder.finish({ name: 'api', expected: false });
    const records = [...tests.records()];
    expect(records.map((t) => [t.id, t.outcome])).toEqual([
      ['renders @ a.cy.js', 'passed'],
      ['renders @ b.cy.js', 'passed'],
      ['updates @ a.cy.js', 'passed'],
      ['updates @ b.cy.js', 'passed'],
      ['opens @ e2e/a.cy.js', 'passed'],
      ['opens @ unit/c.cy.js', 'passed'],
      ['saves @ a.cy.js', 'failed'],
      ['saves @ b.cy.js', 'passed'],
    ]);
    // The writers' path: the same records, byte for byte.
    expect([...tests.jsonLines('junit-merge')].map((piece) => piece.text).join('')).toBe(
      records.map((r) => toJsonLine(r, { tool: 'junit-merge' })).join(''),
    );
  });

  it('reads gotestsum --rerun-fails repeats in one report as attempts', () => {
    const { tests, diagnostics } = fold([
      report([tc('TestX', [fail]), tc('TestX', [fail]), tc('TestX')], { producer: 'gotestsum' }),
    ]);
    expect(tests[0]!.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'passed']);
    expect(tests[0]!.outcome).toBe('flaky');
    expect(diagnostics).toEqual([]);
  });

  it('reads Surefire flakyFailure as failed attempts before the pass, rerunFailure as failed attempts after the failure', () => {
    const flaky = tc(
      'flaky',
      [
        { kind: 'flakyFailure', message: 'm1' },
        { kind: 'flakyError', message: 'm2' },
      ],
      { duration: 3 },
    );
    const broken = tc('broken', [
      { kind: 'failure', message: 'f' },
      { kind: 'rerunFailure', message: 'r1' },
      { kind: 'rerunError', message: 'r2' },
    ]);
    const { tests } = fold([report([flaky, broken], { producer: 'surefire' })]);
    const byName = Object.fromEntries(tests.map((t) => [t.name, t]));
    expect(byName.flaky!.attempts).toEqual([
      { outcome: 'failed', message: 'm1', report: 'r.xml', ...signed('\nm<n>\n') },
      { outcome: 'error', message: 'm2', report: 'r.xml', ...signed('\nm<n>\n') },
      { outcome: 'passed', duration: 3 },
    ]);
    expect(byName.flaky!.outcome).toBe('flaky');
    expect(byName.broken!.attempts.map((a) => [a.outcome, a.message])).toEqual([
      ['failed', 'f'],
      ['failed', 'r1'],
      ['error', 'r2'],
    ]);
    expect(byName.broken!.outcome).toBe('error');
  });

  it('puts Playwright reruns written before the final failure first', () => {
    const { tests } = fold([
      report(
        [
          tc('t', [
            { kind: 'rerunFailure', message: 'first' },
            { kind: 'failure', message: 'final' },
          ]),
        ],
        { producer: 'playwright' },
      ),
    ]);
    expect(tests[0]!.attempts.map((a) => a.message)).toEqual(['first', 'final']);
  });

  it('never reads a name collision as a retry: separate tests with an ordinal, the failure blocks, and a warning', () => {
    const { tests, diagnostics, leg } = fold([
      report([tc('same', [fail]), tc('same')], { producer: 'vitest' }),
    ]);
    expect(tests.map((t) => [t.id, t.outcome, t.attempts.length])).toEqual([
      ['C::same @ #1', 'failed', 1],
      ['C::same @ #2', 'passed', 1],
    ]);
    expect(leg.counts).toMatchObject({ tests: 2, failed: 1, passed: 1 });
    expect(diagnostics.map((d) => [d.severity, d.code, d.leg, d.tool])).toEqual([
      ['warning', 'duplicate-testcase', 'api', 'junit-merge'],
    ]);
    expect(diagnostics[0]!.hint).toContain('attempt-2');
  });

  it('merges a pytest teardown error into the run it belongs to, quietly', () => {
    const call = tc('t', [{ kind: 'failure', message: 'call failed' }], { duration: 1 });
    const teardown = tc(
      't',
      [{ kind: 'error', message: 'failed on teardown with "RuntimeError"' }],
      { duration: 0.5 },
    );
    const { tests, diagnostics } = fold([report([call, teardown], { producer: 'pytest' })]);
    expect(tests[0]!.attempts).toEqual([
      {
        outcome: 'error',
        message: 'failed on teardown with "RuntimeError"',
        more: [{ outcome: 'failed', message: 'call failed' }],
        duration: 1.5,
        report: 'r.xml',
        ...signed('\nfailed on teardown with "RuntimeError"\n'),
      },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('never reads pytest-rerunfailures empty earlier testcases as passes: failed in 3 of 3 attempts', () => {
    const { tests } = fold([report([tc('t'), tc('t'), tc('t', [fail])], { producer: 'pytest' })]);
    expect(tests[0]!.outcome).toBe('failed');
    expect(tests[0]!.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
  });

  it('reads a pytest rerun that passed (empty earlier attempts, or a failure then a pass) as flaky', () => {
    for (const cases of [
      [tc('t'), tc('t')],
      [tc('t', [fail]), tc('t')],
    ]) {
      const { tests } = fold([report(cases, { producer: 'pytest' })]);
      expect(tests[0]!.outcome).toBe('flaky');
      expect(tests[0]!.attempts.map((a) => a.outcome)).toEqual(['failed', 'passed']);
    }
  });

  it('reads only the --rerun-fails shape of gotestsum repeats as attempts: a pass then a failure (-count) is two runs', () => {
    const { tests } = fold([report([tc('TestX'), tc('TestX', [fail])], { producer: 'gotestsum' })]);
    expect(tests.map((t) => [t.id, t.outcome])).toEqual([
      ['S::TestX @ #1', 'passed'],
      ['S::TestX @ #2', 'failed'],
    ]);
  });

  it("reads TestNG's retry (a skipped attempt, then the run) as attempts, and data-provider repeats as separate runs", () => {
    const skipped = { kind: 'skipped' as const };
    const retried = fold([report([tc('m', [skipped]), tc('m')], { producer: 'testng' })]);
    expect(retried.tests.map((t) => [t.outcome, t.attempts.map((a) => a.outcome)])).toEqual([
      ['flaky', ['failed', 'passed']],
    ]);
    const rows = fold([report([tc('m'), tc('m', [fail]), tc('m')], { producer: 'testng' })]);
    expect(rows.tests.map((t) => t.outcome)).toEqual(['passed', 'failed', 'passed']);
  });

  it('never makes a Surefire file read repeated testcases as retries: they nest retries in one testcase', () => {
    const { tests } = fold([report([tc('m', [fail]), tc('m')], { producer: 'surefire' })]);
    expect(tests.map((t) => t.outcome)).toEqual(['failed', 'passed']);
  });

  it('orders several results of one attempt by severity', () => {
    const { tests } = fold([
      report([
        tc('t', [
          { kind: 'skipped' },
          { kind: 'failure', message: 'f' },
          { kind: 'error', message: 'e' },
        ]),
      ]),
    ]);
    expect(tests[0]!.attempts[0]).toMatchObject({
      outcome: 'error',
      message: 'e',
      more: [{ outcome: 'failed', message: 'f' }, { outcome: 'skipped' }],
    });
  });

  it('reports a missing, an empty and an unreadable leg', () => {
    expect(fold([], true).leg.status).toBe('missing');
    expect(fold([], true).diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ['error', 'leg-missing', 'expected leg "api" has no report'],
    ]);
    expect(fold([report([])], true).diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'leg-empty'],
    ]);
    expect(fold([report([])], false).diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'leg-empty'],
    ]);
    expect(fold([report([], { readable: false })]).leg.status).toBe('unreadable');
  });
});

describe('foldOutcome', () => {
  it.each([
    [['passed'], 'passed'],
    [['failed'], 'failed'],
    [['failed', 'error'], 'error'],
    [['error', 'failed'], 'failed'],
    [['failed', 'passed'], 'flaky'],
    [['passed', 'failed'], 'flaky'],
    [['skipped'], 'skipped'],
    [['skipped', 'passed'], 'passed'],
  ] as const)('%j is %s', (outcomes, expected) => {
    expect(foldOutcome(outcomes.map((outcome) => ({ outcome })))).toBe(expected);
  });
});

describe('testId', () => {
  const id = (producer: Producer | undefined, c: Partial<ParsedCase>) =>
    testId({ ...tc('t'), ...c }, producer);
  it('is scope::name with the producer’s scope', () => {
    expect(id(undefined, { classname: 'pkg.Mod', name: 'test_a[1]' })).toBe('pkg.Mod::test_a[1]');
    expect(id(undefined, { classname: '', file: 'a.ts', name: 'x' })).toBe('a.ts::x');
    expect(id(undefined, { classname: '', suites: ['outer'], name: '' })).toBe('outer::(unnamed)');
    expect(id('playwright', { classname: 'a.spec.ts', name: 'x › y', project: 'firefox' })).toBe(
      '[firefox] a.spec.ts::x › y',
    );
    expect(id('mocha', { classname: 'y', name: 'x y', file: '/home/runner/a.js' })).toBe('x y');
    expect(id('jest', { classname: ' works', name: ' works', suites: ['undefined'] })).toBe(
      'works',
    );
    expect(id('jest', { classname: 'x works', name: 'x works', file: 'a.test.js' })).toBe(
      'a.test.js::x works',
    );
  });

  it('is the same for node:test on Node 20 (names escaped twice) and later versions', () => {
    const node20 = id('node-test', {
      classname: 'test',
      suites: ['a &quot;b&quot;'],
      name: 'say &quot;hi&quot;',
    });
    const node22 = id('node-test', { classname: 'test', suites: ['a "b"'], name: 'say "hi"' });
    expect(node20).toBe(node22);
    expect(node22).toBe('a "b"::say "hi"');
  });
});

describe('test lines (the writers’ fast path)', () => {
  const tricky = [
    'plain',
    'quote " and \\ backslash',
    'tab\tand\nnewline',
    'é ü 漢字 😀',
    'lone \ud800 surrogate',
    '\udc00 low first',
    '\u0000\u001f controls',
    '</script>',
  ];
  const shapes = (text: string): ParsedCase[] => [
    tc(text),
    tc(`${text} timed`, [], { duration: 0.000001234 }),
    tc(`${text} long`, [], { duration: 12345.678 }),
    tc(`${text} located`, [], { file: `src/${text}.ts`, line: 7 }),
    tc(`${text} suites`, [], { suites: ['Outer', text] }),
    tc(`${text} own suite`, [], { suites: ['C'] }),
    tc(`${text} no suite`, [], { suites: [] }),
    tc(`${text} classless`, [], { classname: '' }),
    tc(`${text} other class`, [], { classname: text }),
    tc(`${text} output`, [], { stdout: 'out', stderr: 'err' }),
    tc(`${text} properties`, [], { properties: { a: text } }),
    tc(`${text} failed`, [fail]),
    tc(`${text} project`, [], { project: 'chromium' }),
  ];

  it.each([undefined, 'node-test', 'playwright', 'pytest', 'surefire'] as const)(
    'are the bytes of the records serialised, for every shape of testcase (producer %s)',
    (producer) => {
      const folder = new LegFolder('junit-merge');
      const cases = tricky.flatMap(shapes);
      folder.add(report(cases, { producer: producer as Producer | undefined }));
      folder.add(report([tc('plain'), tc('again')], { report: 'rerun.xml' }));
      const leg = 'leg "x" \u2028';
      const { tests } = folder.finish({ name: leg, expected: true });
      const records = [...tests.records()];
      const serialised = records.map((r) => toJsonLine(r, { tool: 'junit-merge' }));
      const pieces = [...tests.jsonLines('junit-merge')];
      expect(pieces.map((p) => p.text).join('')).toBe(serialised.join(''));
      expect(pieces.reduce((n, p) => n + p.records, 0)).toBe(records.length);
      // The fast path itself, testcase by testcase (tests seen once): a line exactly where
      // the record's is.
      const byId = new Map(
        records.flatMap((r, n) => (r.attempts.length === 1 ? [[r.id, serialised[n]!]] : [])),
      );
      const plain = new PlainLines(leg);
      let fast = 0;
      for (const c of cases) {
        const [scope, name] = testKey(c, dialectNamed(producer));
        plain.scope(scope);
        const expected = byId.get(joinId(scope, name));
        if (!isPlain(c) || expected === undefined) continue;
        expect(plain.line(name, undefined, c)).toBe(expected);
        fast++;
      }
      expect(fast).toBeGreaterThan(50);
      expect(records.length).toBeGreaterThan(100);
    },
  );
});
