import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedReport } from '../src/model.js';
import { ReportParser } from '../src/parse-report.js';
import { readReport } from '../src/read-report.js';
import { repoRoot } from './_run.js';

function parse(xml: string, options: { maxText?: number } = {}): ParsedReport {
  const parser = new ReportParser('r.xml', options);
  parser.write(xml);
  return parser.end();
}

async function parseBytes(bytes: Uint8Array | Uint8Array[]): Promise<ParsedReport> {
  const chunks = Array.isArray(bytes) ? bytes : [bytes];
  return readReport({
    path: 'r.xml',
    read: async function* () {
      yield* chunks;
    },
  });
}

const errors = (r: ParsedReport) =>
  r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code}@${d.line}: ${d.message}`);

describe('ReportParser: shapes', () => {
  it('reads a bare <testsuite> root with every kind of result', () => {
    const r = parse(`<testsuite name="s" tests="4">
  <testcase classname="c" name="passes" time="0.5"/>
  <testcase classname="c" name="fails"><failure message="boom" type="AssertionError">trace</failure></testcase>
  <testcase classname="c" name="errors"><error message="oops"/></testcase>
  <testcase classname="c" name="skips"><skipped message="later"/></testcase>
</testsuite>`);
    expect(errors(r)).toEqual([]);
    expect(r.cases.map((c) => [c.name, c.results.map((x) => x.kind).join(',')])).toEqual([
      ['passes', ''],
      ['fails', 'failure'],
      ['errors', 'error'],
      ['skips', 'skipped'],
    ]);
    expect(r.cases[0]!.duration).toBe(0.5);
    expect(r.cases[1]!.results[0]).toEqual({
      kind: 'failure',
      message: 'boom',
      errorType: 'AssertionError',
      details: 'trace',
    });
    expect(r.duration).toBeUndefined();
  });

  it('reads nested suites, testcases directly under <testsuites>, and missing attributes', () => {
    const r = parse(
      `<testsuites time="3"><testcase name="top"/><testsuite name="a"><testsuite name="b"><testcase/></testsuite></testsuite></testsuites>`,
    );
    expect(r.cases.map((c) => [c.classname, c.name, c.suites.join('/')])).toEqual([
      ['', 'top', ''],
      ['', '', 'a/b'],
    ]);
    expect(r.duration).toBe(3);
  });

  it('keeps a failure directly under a suite (a setup failure) as a test of its own', () => {
    const r = parse(
      `<testsuites><testsuite name="db"><error message="connection refused"/></testsuite></testsuites>`,
    );
    expect(r.cases).toHaveLength(1);
    expect(r.cases[0]).toMatchObject({
      name: '(suite)',
      classname: 'db',
      results: [{ kind: 'error', message: 'connection refused' }],
    });
  });

  it('keeps several results of one testcase, and CDATA, entities and output', () => {
    const r = parse(
      `<testsuite><testcase name="t"><failure message="a &amp; b">x<![CDATA[<raw> ]] & ]]>y</failure><error message="e2"/><skipped/><system-out><![CDATA[out]]></system-out><system-err>err &#x1F600;</system-err></testcase></testsuite>`,
    );
    const [c] = r.cases;
    expect(c!.results.map((x) => x.kind)).toEqual(['failure', 'error', 'skipped']);
    expect(c!.results[0]!.message).toBe('a & b');
    expect(c!.results[0]!.details).toBe('x<raw> ]] & y');
    expect(c!.stdout).toBe('out');
    expect(c!.stderr).toBe('err \u{1F600}');
  });

  it('reads Surefire-style flaky and rerun elements with their own stack traces and times', () => {
    const r = parse(
      `<testsuite><testcase name="t"><flakyFailure message="m1" type="T" time="1.5"><stackTrace>st1</stackTrace><system-out>o1</system-out></flakyFailure></testcase></testsuite>`,
    );
    expect(r.cases[0]!.results).toEqual([
      {
        kind: 'flakyFailure',
        message: 'm1',
        errorType: 'T',
        duration: 1.5,
        details: 'st1',
        stdout: 'o1',
      },
    ]);
  });

  it('takes the file from the suite and splits file:line', () => {
    const r = parse(
      `<testsuite file="C:\\src\\a.test.ts"><testcase name="a"/><testcase name="b" file="src/b.ts:42"/></testsuite>`,
    );
    expect(r.cases.map((c) => [c.file, c.line])).toEqual([
      ['C:/src/a.test.ts', undefined],
      ['src/b.ts', 42],
    ]);
  });

  it('reads testcase properties', () => {
    const r = parse(
      `<testsuite><testcase name="a"><properties><property name="owner" value="team-a"/><property name="note">multi</property></properties></testcase></testsuite>`,
    );
    expect(r.cases[0]!.properties).toEqual({ owner: 'team-a', note: 'multi' });
  });

  it('takes the earliest suite timestamp, normalised to UTC', () => {
    const r = parse(
      `<testsuites><testsuite timestamp="2026-03-01T10:00:00+02:00"/><testsuite timestamp="2026-03-01 07:30:00"/></testsuites>`,
    );
    expect(r.earliestTimestamp).toBe('2026-03-01T07:30:00.000Z');
  });

  it('stops at suites nested over 1,000 deep with one error, instead of copying their paths until the heap runs out', () => {
    const depth = 1_001;
    const r = parse(
      `${'<testsuite name="s">'.repeat(depth)}<testcase name="t"/>${'</testsuite>'.repeat(depth)}`,
    );
    expect(r.cases).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'suite-too-deep']]);
  });

  it('recognises producers from the shape of their reports', () => {
    expect(parse('<testsuites name="vitest tests"/>').producer).toBe('vitest');
    expect(parse('<testsuites><testsuite name="pytest"/></testsuites>').producer).toBe('pytest');
    expect(
      parse(
        '<testsuites><testsuite name="a/b" timestamp="2026-01-01T00:00:00Z"><properties><property name="go.version" value="go1.22"/></properties></testsuite></testsuites>',
      ).producer,
    ).toBe('gotestsum');
    expect(
      parse(
        '<testsuites><testsuite name="a/b"><properties><property name="go.version" value="go1.22"/></properties></testsuite></testsuites>',
      ).producer,
    ).toBe('go-junit-report');
    expect(
      parse('<testsuites id="" name=""><testsuite hostname="firefox"/></testsuites>').producer,
    ).toBe('playwright');
    expect(parse('<testsuites><testcase name="a"/><!-- tests 1 --></testsuites>').producer).toBe(
      'node-test',
    );
    // One stray rerun element is no evidence of a producer.
    expect(
      parse('<testsuite><testcase name="a"><rerunFailure/></testcase></testsuite>').producer,
    ).toBeUndefined();
    expect(
      parse(
        '<testsuite xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd"/>',
      ).producer,
    ).toBe('surefire');
    expect(
      parse('<testsuite><testcase name="a" class="C" assertions="1"/></testsuite>').producer,
    ).toBe('phpunit');
  });
});

describe('ReportParser: times', () => {
  const time = (t: string) => parse(`<testsuite><testcase name="a" time="${t}"/></testsuite>`);
  it.each([
    ['1.25', 1.25],
    ['14,029.255', 14029.255],
    ['4.5e-05', 4.5e-5],
    ['80.803us', 80.803e-6],
    ['1500ms', 1.5],
  ])('reads %s as %s seconds', (raw, seconds) => {
    expect(time(raw).cases[0]!.duration).toBeCloseTo(seconds, 12);
  });

  it.each(['', '<<computed>>'])('leaves %j unset without a warning', (raw) => {
    const r = time(raw);
    expect(r.cases[0]!.duration).toBeUndefined();
    expect(r.diagnostics).toEqual([]);
  });

  it.each([
    ['0,03', 'ambiguous time "0,03" (decimal comma or thousands separator?); durations left unset'],
    ['-1', 'negative time "-1"; durations left unset'],
    ['soon', 'unreadable time "soon"; durations left unset'],
    ['1e308', 'time out of range "1e308" (over 1000000 s); durations left unset'],
    ['2000000', 'time out of range "2000000" (over 1000000 s); durations left unset'],
  ])('warns about %j and leaves it unset', (raw, message) => {
    const r = time(raw);
    expect(r.cases[0]!.duration).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { severity: 'warning', code: 'time-unreadable', message, file: 'r.xml', line: 1 },
    ]);
  });

  it('reads a time seen before as it read it the first time, a warning included', () => {
    for (let pass = 0; pass < 2; pass++) {
      expect(time('0.019').cases[0]!.duration).toBe(0.019);
      expect(time('-1').diagnostics).toHaveLength(1);
    }
  });

  it('keeps every numeric attribute value exactly as written, however often it repeats', () => {
    // Values that differ by one character, in the spellings numbers come in.
    const values = [
      '0',
      '00',
      '0.',
      '.0',
      '10',
      '1.',
      '1e5',
      '1E5',
      '-0',
      '+1',
      '1e-5',
      '123456789012',
    ];
    const xml = (value: string) =>
      `<testsuite name="${value}"><testcase name="${value}" classname="${value}" line="${value}"/></testsuite>`;
    for (let pass = 0; pass < 2; pass++) {
      for (const value of values) {
        const [testcase] = parse(xml(value)).cases;
        expect([testcase!.name, testcase!.classname, testcase!.suites]).toEqual([
          value,
          value,
          [value],
        ]);
      }
    }
  });

  it('warns once per file about many bad times', () => {
    const r = parse(`<testsuite>${'<testcase name="a" time="0,5"/>'.repeat(5)}</testsuite>`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toMatch(/\(and 4 more\)/);
  });
});

describe('ReportParser: broken input becomes an error diagnostic with its line', () => {
  it('a file cut off by a killed runner', () => {
    const r = parse(
      '<testsuites>\n<testsuite name="s">\n<testcase name="done"/>\n<testcase name="half">\n<failure>tra',
    );
    expect(errors(r)).toEqual([
      'report-truncated@5: file ends inside <failure>: the report was cut off',
    ]);
    expect(r.cases.map((c) => c.name)).toEqual(['done']);
    expect(r.readable).toBe(true);
  });

  it('a tag closed out of order', () => {
    const r = parse('<testsuite>\n<testcase name="a">\n<failure>\n</testcase>\n</testsuite>');
    expect(errors(r)).toEqual(['xml-malformed@4: </testcase> closes <failure>']);
  });

  it('an HTML error page saved as the report', () => {
    const r = parse('<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>');
    expect(errors(r)).toEqual(['not-junit@2: not a JUnit report: the root element is <html>']);
    expect(r.readable).toBe(false);
  });

  it('plain text that is not XML at all', () => {
    expect(errors(parse('Internal Server Error'))).toEqual([
      'not-junit@1: not a JUnit report: text outside the root element',
    ]);
  });

  it('an empty file, and one with only whitespace', () => {
    expect(errors(parse(''))).toEqual(['report-empty@1: empty file: no XML at all']);
    expect(errors(parse('  \n\n '))).toEqual(['report-empty@1: empty file: no XML at all']);
  });

  it('a suite that claims tests but holds none', () => {
    const r = parse(
      '<testsuites>\n<testsuite name="api" tests="12" failures="0">\n</testsuite>\n</testsuites>',
    );
    expect(errors(r)).toEqual([
      'suite-tests-missing@2: suite "api" claims 12 tests but holds no testcase',
    ]);
  });

  it('an entity bomb: the DTD is ignored, nothing expands, and parsing ends at once', () => {
    const lol = [
      '<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, n) => `<!ENTITY lol${n + 1} "${`&lol${n || ''};`.repeat(10)}">`,
      ),
    ];
    const started = performance.now();
    const r = parse(
      `<?xml version="1.0"?>\n<!DOCTYPE lolz [${lol.join('')}]>\n<testsuite><testcase name="&lol9;"/></testsuite>`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.diagnostics.map((d) => d.code)).toContain('dtd-ignored');
    expect(r.cases.map((c) => c.name)).toEqual(['&lol9;']);
  });

  it('an external entity (XXE) is never resolved', () => {
    const r = parse(
      '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><testsuite><testcase name="&xxe;"/></testsuite>',
    );
    expect(r.cases[0]!.name).toBe('&xxe;');
  });

  it('a second root element after the report', () => {
    expect(errors(parse('<testsuite/>\n<testsuite/>'))).toEqual([
      'xml-malformed@2: a second root element <testsuite> after the report ended',
    ]);
  });
});

describe('ReportParser: chunk boundaries', () => {
  const xml =
    readFileSync(join(repoRoot, 'fixtures/junit/playwright/include-retries.xml'), 'utf8') +
    readFileSync(join(repoRoot, 'fixtures/junit/node-test/outcomes.xml'), 'utf8')
      .replace(/^<\?xml[^>]*>/, '')
      .replace('<testsuites>', '<testsuite name="extra">')
      .replace('</testsuites>', '</testsuite>');
  const whole = (text: string) => parse(text);

  it('gives the same result however the bytes are cut, down to one byte at a time', () => {
    const doc = `<testsuites>${xml.replace(/^<\?xml[^>]*>/, '').replaceAll(/<\/?testsuites[^>]*>/g, '')}</testsuites>`;
    const expected = whole(doc);
    expect(expected.cases.length).toBeGreaterThan(8);
    const bytes = Buffer.from(doc, 'utf8');
    expect(bytes.length).toBeGreaterThan(doc.length); // multi-byte characters to cut through
    for (const size of [1, 2, 3, 7, 64]) {
      const parser = new ReportParser('r.xml');
      for (let i = 0; i < bytes.length; i += size) parser.write(bytes.subarray(i, i + size));
      expect(parser.end(), `chunks of ${size}`).toEqual(expected);
    }
  });

  it('reads ">" inside attribute values, single quotes, and entities and CDATA cut by a chunk', () => {
    const parser = new ReportParser('r.xml');
    for (const piece of [
      `<testsuite><testcase name='a > b "c"' classname="x"><failure message="1 &l`,
      `t; 2">x &amp`,
      `; y <![CDATA[raw ]`,
      `] z]]`,
      `></failure></testcase></testsuite>`,
    ])
      parser.write(piece);
    const r = parser.end();
    expect(r.cases[0]).toMatchObject({
      name: 'a > b "c"',
      classname: 'x',
      results: [{ message: '1 < 2', details: 'x & y raw ]] z' }],
    });
  });

  it.each([
    [
      '<testsuite><testcase name="a" =/></testsuite>',
      'xml-malformed@1: <testcase> has a malformed attribute',
    ],
    [
      '<testsuite><testcase name=a/></testsuite>',
      'xml-malformed@1: <testcase> has a malformed attribute',
    ],
    ['<testsuite>\n</testcase>\n</testsuite>', 'xml-malformed@2: </testcase> closes <testsuite>'],
    ['<testsuite/>\n</testsuite>', 'xml-malformed@2: </testsuite> closes no open element'],
    [
      '<testsuite><testcase name="a"/>\n< testcase/></testsuite>',
      'xml-malformed@2: a "<" that starts no tag',
    ],
    [
      '<testsuite><testcase name="a',
      'report-truncated@1: file ends inside markup: the report was cut off',
    ],
    [
      '<testsuite><system-out><![CDATA[abc',
      'report-truncated@1: file ends inside a CDATA section: the report was cut off',
    ],
  ])('reports %j', (xml, error) => {
    expect(errors(parse(xml.replaceAll('\\n', '\n')))).toEqual([error]);
  });
});

describe('ReportParser: size limits', () => {
  it('truncates oversized output with a marker and keeps memory bounded while streaming', () => {
    const parser = new ReportParser('big.xml', { maxText: 1000 });
    parser.write('<testsuite><testcase name="noisy"><system-out><![CDATA[');
    const block = 'x'.repeat(1 << 20);
    const before = process.memoryUsage().heapUsed;
    for (let n = 0; n < 64; n++) parser.write(block); // 64 MiB of output
    const grown = process.memoryUsage().heapUsed - before;
    parser.write(']]></system-out></testcase></testsuite>');
    const r = parser.end();
    const out = r.cases[0]!.stdout!;
    expect(out.startsWith('x'.repeat(1000))).toBe(true);
    expect(out).toMatch(/\[… truncated by junit-merge: 67107864 more characters\]$/);
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });

  it('truncates an oversized message attribute', () => {
    const r = parse(
      `<testsuite><testcase name="a"><failure message="${'m'.repeat(50)}"/></testcase></testsuite>`,
      { maxText: 10 },
    );
    expect(r.cases[0]!.results[0]!.message).toBe(
      `${'m'.repeat(10)}\n[… truncated by junit-merge: 40 more characters]`,
    );
  });
});

describe('readReport: encodings', () => {
  const xml =
    '<?xml version="1.0" encoding="ENC"?><testsuite><testcase name="café ✓"/></testsuite>';

  it('reads UTF-8 with a byte-order mark', async () => {
    const r = await parseBytes(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml.replace('ENC', 'UTF-8'))]),
    );
    expect(r.cases[0]!.name).toBe('café ✓');
  });

  it('reads UTF-16 LE and BE with their marks, split across chunks', async () => {
    const text = xml.replace('ENC', 'UTF-16');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect((await parseBytes([le.subarray(0, 7), le.subarray(7)])).cases[0]!.name).toBe('café ✓');
    const be = Buffer.from(le);
    be.swap16();
    expect((await parseBytes(be)).cases[0]!.name).toBe('café ✓');
  });

  it('reads ISO-8859-1 as declared', async () => {
    const text =
      '<?xml version="1.0" encoding="ISO-8859-1"?><testsuite><testcase name="café"/></testsuite>';
    expect((await parseBytes(Buffer.from(text, 'latin1'))).cases[0]!.name).toBe('café');
  });

  it('warns about an unknown declared encoding and reads UTF-8', async () => {
    const r = await parseBytes(Buffer.from(xml.replace('ENC', 'x-klingon')));
    expect(r.cases[0]!.name).toBe('café ✓');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['encoding-unknown']);
  });

  it('reports a file it cannot read instead of throwing', async () => {
    const r = await readReport({
      path: 'gone.xml',
      read: () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
    });
    expect(r.readable).toBe(false);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'report-unreadable',
        message: 'cannot read the report (ENOENT)',
        file: 'gone.xml',
        hint: 'check that the path is a readable file',
      },
    ]);
  });
});
