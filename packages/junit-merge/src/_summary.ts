import {
  type CliIo,
  type DiagnosticRecord,
  formatPlace,
  oneLine,
  stderrColors,
} from '@testgate/stream';
import { TOOL } from './merge.js';

export function printSummary(
  io: CliIo,
  diagnostics: readonly DiagnosticRecord[],
  totals: { legs: number; tests: number; failed: number; flaky: number },
): void {
  const colors = stderrColors(io.stderr, io.env);
  const shown = diagnostics.filter((d) => d.severity !== 'info');
  for (const d of shown.slice(0, 20)) {
    const where = d.file
      ? `${formatPlace({ file: d.file, line: d.line })}: `
      : d.leg
        ? `leg ${d.leg}: `
        : '';
    const label = d.severity === 'error' ? colors.red('error') : colors.yellow('warning');
    io.stderr.write(`${TOOL}: ${label}: ${oneLine(where + d.message)}\n`);
  }
  if (shown.length > 20)
    io.stderr.write(`${TOOL}: … and ${shown.length - 20} more diagnostics in the stream\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  io.stderr.write(
    `${TOOL}: ${totals.legs} leg(s), ${totals.tests} test(s), ${totals.failed} failed, ${totals.flaky} flaky, ${errors} error diagnostic(s)\n`,
  );
}
