import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSource } from '../src/read-report.js';
import { earliestReportStart } from '../src/run-start.js';

const dir = mkdtempSync(join(tmpdir(), 'junit-merge-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function report(content: string | Buffer) {
  const path = join(dir, `r${n++}`);
  writeFileSync(path, content);
  return fileSource(path);
}

describe("the run's start, from the reports' heads", () => {
  it("is a report's first suite that states a timestamp, read as the parser reads it", () => {
    const start = earliestReportStart([
      report(
        `<?xml version="1.0"?><testsuites timestamp="2020-01-01T00:00:00"><testsuite name="no time"/>` +
          `<testsuite name="a &gt; b > c" timestamp='2026-03-01 07:30:00+01:00'><testcase name="t"/></testsuite>` +
          `<testsuite name="later" timestamp="2026-03-01T06:00:00Z"/></testsuites>`,
      ),
    ]);
    expect(start).toBe('2026-03-01T06:30:00.000Z');
  });

  it('is the earliest over the reports, a CTRF summary and a UTF-16 file included', () => {
    const utf16 = Buffer.from(
      '\ufeff<?xml version="1.0" encoding="UTF-16"?><testsuite timestamp="2026-03-01T05:00:00"/>',
      'utf16le',
    );
    const ctrf = JSON.stringify({
      reportFormat: 'CTRF',
      results: {
        tool: { name: 'jest' },
        summary: { tests: 1, start: Date.parse('2026-03-01T04:00:00Z'), stop: 1 },
      },
    });
    const sources = [
      report('<testsuite timestamp="2026-03-01T06:00:00"/>'),
      report(utf16),
      report(ctrf),
    ];
    expect(earliestReportStart(sources.slice(0, 2))).toBe('2026-03-01T05:00:00.000Z');
    expect(earliestReportStart(sources)).toBe('2026-03-01T04:00:00.000Z');
  });

  it('passes over a timestamp that is no time, an unreadable report and one with none', () => {
    expect(
      earliestReportStart([
        report('<testsuite timestamp="tuesday"/><testsuite timestamp="2026-03-01T06:00:00"/>'),
        fileSource(join(dir, 'missing.xml')),
        report('<testsuite name="none"/>'),
        report(''),
      ]),
    ).toBe('2026-03-01T06:00:00.000Z');
    expect(earliestReportStart([report('<testsuite/>')])).toBeUndefined();
  });
});
