import {
  type CliIo,
  type DiagnosticRecord,
  InputError,
  formatPlace,
  oneLine,
  stderrColors,
} from '@testgate/stream';
import type { LegOutput } from './legs-in-order.js';
import { TOOL } from './merge.js';

/** What the merge said, added up leg by leg as the legs pass on their way out. */
export class MergeTotals {
  readonly #strict: boolean;
  readonly #diagnostics: DiagnosticRecord[] = [];
  #legs = 0;
  #tests = 0;
  #failed = 0;
  #flaky = 0;

  /** `strict`: the first error diagnostic stops the run (exit 2) instead of being recorded. */
  constructor(strict: boolean) {
    this.#strict = strict;
  }

  async *count(legs: AsyncIterable<LegOutput>): AsyncGenerator<LegOutput> {
    for await (const output of legs) {
      const { leg, diagnostics } = output;
      const error = this.#strict && diagnostics.find((d) => d.severity === 'error');
      if (error)
        throw new InputError(
          error.message,
          { file: error.file ?? error.leg ?? '-', line: error.line },
          error.hint,
        );
      this.#legs++;
      this.#tests += leg.counts.tests;
      this.#failed += leg.counts.failed + leg.counts.error;
      this.#flaky += leg.counts.flaky;
      this.#diagnostics.push(...diagnostics);
      yield output;
    }
  }

  /** The diagnostics worth a look (20 at most) and the totals, on stderr. */
  print(io: CliIo): void {
    const colors = stderrColors(io.stderr, io.env);
    const shown = this.#diagnostics.filter((d) => d.severity !== 'info');
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
    const errors = this.#diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr.write(
      `${TOOL}: ${this.#legs} leg(s), ${this.#tests} test(s), ${this.#failed} failed, ${this.#flaky} flaky, ${errors} error diagnostic(s)\n`,
    );
  }
}
