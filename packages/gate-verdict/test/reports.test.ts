import { describe, expect, it } from 'vitest';
import {
  type TestgateRecord,
  type VerdictDocument,
  ValueError,
  globMatcher,
} from '@testgate/stream';
import {
  decideVerdict,
  escapeMarkdown,
  githubAnnotations,
  parseBudgets,
  renderHtml,
  renderSummary,
} from '../src/index.js';

const run: TestgateRecord = { type: 'run', version: 1, tool: 't' };
const leg = (name: string, matrix?: Record<string, string | number>): TestgateRecord => ({
  type: 'leg',
  name,
  status: 'reported',
  ...(matrix && { matrix }),
  files: [],
  counts: { tests: 1, passed: 1, failed: 0, error: 0, skipped: 0, flaky: 0 },
  duration: 2,
});
const test = (
  id: string,
  outcome: 'passed' | 'failed' | 'flaky',
  extra: Record<string, unknown> = {},
): TestgateRecord =>
  ({
    type: 'test',
    id,
    leg: 'unit',
    name: id,
    classname: '',
    attempts: [{ outcome, message: `${id} broke` }],
    outcome,
    ...extra,
  }) as TestgateRecord;

async function* stream(...records: TestgateRecord[]): AsyncGenerator<TestgateRecord> {
  yield run;
  yield* records;
  yield { type: 'end', tool: 't', records: records.length + 1 };
}

describe('decideVerdict', () => {
  it('derives each outcome from the attempts: a record that contradicts its own attempts is red, with an error', async () => {
    const failedAttempt = [{ outcome: 'failed' as const, message: 'boom' }];
    const contradictions: Array<TestgateRecord & { id: string }> = [
      test('passed-over-failure', 'passed', { attempts: failedAttempt }),
      test('flaky-all-failed', 'flaky', { attempts: [...failedAttempt, ...failedAttempt] }),
      test('no-attempts', 'passed', { attempts: [] }),
    ] as Array<TestgateRecord & { id: string }>;
    for (const record of contradictions) {
      const verdict = await decideVerdict(stream(leg('unit'), test('ok', 'passed'), record));
      expect(verdict.verdict).toBe('red');
      expect(verdict.reasons.map((r) => r.code)).toContain('test-contradicts-attempts');
      expect(verdict.blocking.map((b) => b.id)).toEqual([record.id]);
    }
  });

  it('says what the attempts show: failed in its only run, failed in 3 of 3 attempts', async () => {
    const failed = { outcome: 'failed' as const, message: 'boom' };
    const verdict = await decideVerdict(
      stream(
        leg('unit'),
        test('once', 'failed'),
        test('thrice', 'failed', { attempts: [failed, failed, failed] }),
      ),
    );
    expect(verdict.blocking.map((b) => [b.id, b.summary])).toEqual([
      ['once', 'failed in its only run'],
      ['thrice', 'failed in 3 of 3 attempts'],
    ]);
    expect(verdict.reasons.find((r) => r.code === 'tests-failed')?.message).toBe(
      '2 test(s) failed, first "once" in leg "unit": failed in its only run',
    );
  });

  it('does not excuse a failure whose quarantine mark names no matching ledger entry', async () => {
    for (const mark of [
      { blocks: false },
      { blocks: false, test: 'other', owner: 'a', reason: 'r', deadline: '2027-01-01' },
    ]) {
      const verdict = await decideVerdict(
        stream(leg('unit'), test('ok', 'passed'), test('q', 'failed', { quarantine: mark })),
      );
      expect(verdict.verdict).toBe('red');
      expect(verdict.counts.excused).toBe(0);
      expect(verdict.reasons.map((r) => r.code)).toEqual([
        'quarantine-mark-invalid',
        'tests-failed',
      ]);
    }
  });

  it('excuses a quarantined failure, citing its entry', async () => {
    const entry = {
      blocks: false,
      test: 'q',
      owner: 'team-a',
      reason: 'races the clock',
      deadline: '2026-12-01',
      daysLeft: 2,
    };
    const verdict = await decideVerdict(
      stream(leg('unit'), test('ok', 'passed'), test('q', 'failed', { quarantine: entry })),
    );
    expect(verdict.verdict).toBe('green');
    expect(verdict.counts.excused).toBe(1);
    expect(verdict.excused).toEqual([
      {
        id: 'q',
        leg: 'unit',
        outcome: 'failed',
        message: 'q broke',
        summary: 'failed in its only run',
        why: 'quarantined',
        evidence: entry,
      },
    ]);
    expect(renderSummary(verdict)).toContain(
      '- **q** (unit): q broke, owner team-a, until 2026-12-01 (2 days left)\n',
    );
  });

  it('blocks a quarantined failure whose excuse was withdrawn (blocks: true)', async () => {
    const verdict = await decideVerdict(
      stream(leg('unit'), test('q', 'failed', { quarantine: { blocks: true } })),
    );
    expect(verdict.verdict).toBe('red');
    expect(verdict.blocking.map((t) => t.id)).toEqual(['q']);
  });

  it('is red on any error diagnostic and keeps warnings apart', async () => {
    const verdict = await decideVerdict(
      stream(
        leg('unit'),
        test('ok', 'passed'),
        {
          type: 'diagnostic',
          tool: 'quarantine-filter',
          severity: 'error',
          code: 'quarantine-expired',
          message: 'entry "q" is 3 days overdue (owner team-a)',
        },
        {
          type: 'diagnostic',
          tool: 'junit-merge',
          severity: 'warning',
          code: 'time-unreadable',
          message: 'ambiguous time',
          file: 'a.xml',
          line: 3,
        },
      ),
    );
    expect(verdict.reasons).toEqual([
      { code: 'quarantine-expired', message: 'entry "q" is 3 days overdue (owner team-a)' },
    ]);
    expect(verdict.warnings).toEqual([
      { code: 'time-unreadable', message: 'a.xml:3: ambiguous time' },
    ]);
  });
});

describe('renderSummary', () => {
  const base: VerdictDocument = {
    version: 1,
    verdict: 'red',
    reasons: [{ code: 'tests-failed', message: '1 test(s) failed' }],
    warnings: [],
    counts: { tests: 1, passed: 0, failed: 1, error: 0, skipped: 0, flaky: 0, excused: 0 },
    legs: [],
    blocking: [
      {
        id: '<script>alert(1)</script> | *x*',
        leg: 'unit',
        outcome: 'failed',
        message: 'line one\nline two',
      },
    ],
    excused: [],
  };

  it('escapes everything that comes from test data', () => {
    const md = renderSummary(base);
    expect(md).toContain(
      '- **&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\*** (unit): line one\n',
    );
    expect(md).not.toContain('<script>');
  });

  it('lays legs out as a grid by their first two matrix values', async () => {
    const verdict = await decideVerdict(
      stream(
        leg('api-22', { service: 'api', node: 22 }),
        leg('api-24', { service: 'api', node: 24 }),
        leg('worker-22', { service: 'worker', node: 22 }),
        test('ok', 'passed'),
      ),
    );
    const md = renderSummary(verdict);
    expect(md).toContain(
      '| service / node | 22 | 24 |\n| --- | --- | --- |\n| api | ✅ 1/1 2 s | ✅ 1/1 2 s |\n| worker | ✅ 1/1 2 s | · |\n',
    );
  });

  it('never grows past the limit: long lists are cut with a marker saying where the rest is', () => {
    const many: VerdictDocument = {
      ...base,
      blocking: Array.from({ length: 20_000 }, (_, n) => ({
        id: `suite::test ${n}`,
        leg: 'unit',
        outcome: 'failed',
        message: 'x'.repeat(150),
      })),
    };
    const md = renderSummary(many, { limit: 1024 * 1024 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(1024 * 1024);
    expect(md).toMatch(
      /\n_… and \d+ more, cut to stay under 1024 KiB: see the --json verdict document\._\n$/,
    );
    expect(md).toContain('### Blocking failures (20000)');
  });
});

describe('escapeMarkdown', () => {
  it('neutralises markup, HTML, links and tables', () => {
    expect(escapeMarkdown('[a](http://x) <b>|`c`_d_ & ~e~')).toBe(
      '\\[a\\](http://x) &lt;b&gt;\\|\\`c\\`\\_d\\_ &amp; \\~e\\~',
    );
  });
});

describe('githubAnnotations', () => {
  it('escapes data and properties, and keeps at most 10 per kind, located ones first', () => {
    const blocking = Array.from({ length: 12 }, (_, n) => ({
      id: `t${n}`,
      leg: 'l',
      outcome: 'failed',
      message: '100% broken\r\nsee: log',
      ...(n === 11 ? { file: 'a,b:c.ts', line: 3 } : {}),
    }));
    const out = githubAnnotations({ ...({} as VerdictDocument), blocking, excused: [] });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      '::error file=a%2Cb%3Ac.ts,line=3,title=failed%3A t11::t11 (l)%0A100%25 broken%0D%0Asee: log',
    );
    expect(lines[1]).toBe('::error title=failed%3A t0::t0 (l)%0A100%25 broken%0D%0Asee: log');
  });
});

describe('globMatcher and parseBudgets', () => {
  it('matches * globs only', () => {
    const m = globMatcher('unit-*-node*');
    expect(
      ['unit-api-node22', 'unit--node', 'unit-api-node22x', 'e2e-api-node22', 'unit-api'].map(m),
    ).toEqual([true, true, true, false, false]);
    expect(globMatcher('a.b')('axb')).toBe(false);
  });

  it.each([
    ['{}', 'the file must be an object with a "budgets" array, got: "{}"'],
    [
      '{"budgets":[{"target":1,"hard":2}]}',
      'budgets[0] must be an object with one of "leg" or "suite"',
    ],
    [
      '{"budgets":[{"leg":"u","target":0,"hard":2}]}',
      'budgets[0].target must be a positive number of seconds, got: "0"',
    ],
    [
      '{"budgets":[{"leg":"u","target":5,"hard":2}]}',
      'budgets[0].hard must be at least its target (5), got: "2"',
    ],
  ])('rejects %s, naming the field and not the flag it came from', (text, message) => {
    expect(() => parseBudgets(text)).toThrow(ValueError);
    expect(() => parseBudgets(text)).toThrow(message);
  });
});

describe("flake-detect's verdicts in the reports", () => {
  const broken = {
    status: 'broken',
    brokenSince: 'c3',
    evidence: [
      { rule: 'broken', commit: 'c4', runs: [{ run: '4', attempt: 1, outcome: 'failed' }] },
    ],
  };
  const flaky = {
    status: 'flaky',
    evidence: [
      { rule: 'same-commit', commit: 'c2', runs: [{ run: '2', attempt: 2, outcome: 'passed' }] },
    ],
  };

  it('labels blocking failures broken or known flaky, and warns about the known flaky ones', async () => {
    const verdict = await decideVerdict(
      stream(
        leg('unit'),
        test('b', 'failed', { flake: broken }),
        test('f', 'failed', { flake: flaky }),
        test('ok', 'passed', { flake: { status: 'stable', evidence: [] } }),
      ),
    );
    expect(verdict.verdict).toBe('red');
    expect(verdict.blocking.map((t) => [t.id, t.flake?.status])).toEqual([
      ['b', 'broken'],
      ['f', 'flaky'],
    ]);
    expect(verdict.warnings).toContainEqual({
      code: 'known-flaky-blocking',
      test: 'f',
      message:
        '1 blocking failure(s) are known flaky, first "f": quarantine them (flake-detect --propose lists them) or fix them',
    });
    const summary = renderSummary(verdict);
    expect(summary).toContain('- **b** (unit) _broken since c3_: b broke');
    expect(summary).toContain(
      '- **f** (unit) _known flaky: failed and passed in reruns of c2_: f broke',
    );
  });

  it('gives co-failing flaky tests a section of their own, and shows each cause in the HTML', async () => {
    const verdict = await decideVerdict(
      stream(
        leg('unit'),
        {
          type: 'diagnostic',
          severity: 'info',
          code: 'flake-co-failing',
          tool: 'flake-detect',
          tests: ['x', 'y'],
          message:
            '2 flaky tests fail together, in 5 runs of the window (p < 0.001 by chance): x, y',
        },
        test('n', 'failed', {
          flake: { ...broken, cause: { label: 'new-failure', base: 'main', baseCommit: 'c2' } },
        }),
      ),
    );
    expect(verdict.warnings).toContainEqual(
      expect.objectContaining({ code: 'flake-co-failing', tests: ['x', 'y'] }),
    );
    const summary = renderSummary(verdict);
    expect(summary).toContain(
      '### Flaky tests that fail together (1)\n\n- 2 flaky tests fail together, in 5 runs of the window (p &lt; 0.001 by chance): x, y\n',
    );
    expect(summary).not.toContain('### Warnings');
    expect(summary).toContain('- **n** (unit) _new failure: passed on main at c2_: n broke');
    const html = renderHtml(verdict, []);
    expect(html).toContain(
      '<span class="flake-broken cause-new-failure">new failure: passed on main at c2</span>',
    );
    expect(html).toMatch(
      /<h2 id="co-failing">Flaky tests that fail together \(1\)<\/h2><ul><li>2 flaky tests/,
    );
    expect(html).not.toContain('<h2 id="warnings">');
  });
});
