import { ctrfInstant, opensJsonObject } from './ctrf-report.js';
import { detectEncoding } from './decode.js';
import { HEAD_BYTES, type ReportSource } from './read-report.js';
import { normaliseTimestamp } from './timestamp.js';
import { decodeEntities } from './xml-scanner.js';

const FIRST_BYTES = 4096;
// A suite's start tag, quoted values whole (a `>` may stand in a name).
const SUITE_TAG = /<testsuite((?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?)\/?>/g;
const TIMESTAMP = /\stimestamp\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const CTRF_START = /"summary"\s*:\s*\{[^}]*?"start"\s*:\s*(\d+)/;

/**
 * When the run started, known before any leg is merged, so that the run record can go
 * first and every leg straight out after it: the earliest of the reports' starts. A
 * report's start is its first suite that states a timestamp (runners write suites in the
 * order they ran them), or a CTRF report's `summary.start`; only a report's head (64 KiB) is read.
 */
export function earliestReportStart(sources: Iterable<ReportSource>): string | undefined {
  let earliest: string | undefined;
  for (const source of sources) {
    let start: string | undefined;
    try {
      // Most reports state it in their first few hundred bytes.
      const first = source.head?.(FIRST_BYTES);
      start = reportStart(first);
      if (start === undefined && first?.length === FIRST_BYTES)
        start = reportStart(source.head?.(HEAD_BYTES));
    } catch {
      // Unreadable: the merge says so for the leg; the run's start comes from the others.
    }
    if (start !== undefined && (earliest === undefined || start < earliest)) earliest = start;
  }
  return earliest;
}

function reportStart(head: Uint8Array | undefined): string | undefined {
  if (!head || head.length === 0) return undefined;
  const text = detectEncoding(head).decoder.write(head);
  if (opensJsonObject(head)) {
    const start = CTRF_START.exec(text)?.[1];
    return start === undefined ? undefined : ctrfInstant(Number(start));
  }
  for (const [, attributes] of text.matchAll(SUITE_TAG)) {
    const value = TIMESTAMP.exec(attributes!);
    const timestamp = value && normaliseTimestamp(decodeEntities(value[1] ?? value[2]!));
    if (timestamp) return timestamp;
  }
  return undefined;
}
