import {
  type CompiledEntry,
  type DiagnosticRecord,
  type QuarantineEntry,
  type QuarantineLedger,
  type TestRecord,
  type TestgateRecord,
  asOneStream,
  compileLedger,
  daysBetween,
  failureSignatures,
} from '@testgate/stream';

export const TOOL = 'quarantine-filter';

export interface FilterOptions {
  /** Today (UTC, YYYY-MM-DD): entries past their deadline have expired. */
  today: string;
  /**
   * What an expired entry does: `fail` makes its tests block again with an error
   * diagnostic; `warn` keeps them excused with a warning.
   * @default 'fail'
   */
  expired?: 'fail' | 'warn';
  /**
   * More excused failures than this in one run withdraws the excuse (an error diagnostic).
   * @default 10
   */
  maxExcused?: number;
  /**
   * A run in which at least this share of the tests that ran failed (outside quarantine)
   * is a mass failure: quarantined failures in it are not excused either.
   * @default 0.3
   */
  massFailure?: number;
}

/** The mark a quarantined test carries: its ledger entry, and whether its failure blocks. */
export type QuarantineMark = QuarantineEntry & {
  blocks: boolean;
  daysLeft: number;
  expired: boolean;
  /** For an entry pinned to a signature, a failure's own: what it failed with. */
  failedWith?: string[];
};

interface Mismatch {
  record: TestRecord;
  entry: QuarantineEntry;
  failedWith: string[];
}

interface Tally {
  compiled: CompiledEntry;
  tests: number;
  failures: number;
}

/**
 * Marks every test a ledger entry matches with a `quarantine` object (the entry, days
 * left, and whether its failure blocks) and passes every record through. A quarantined
 * failure does not block unless its entry expired (`expired: fail`). At the end come the
 * diagnostics: expired entries (error, or warning with `expired: warn`), entries that
 * matched no test (warning), and the blast-radius cap: too many excused failures, or
 * excused failures in a run that failed en masse, withdraw the excuse with an error.
 * The stream stays one stream: the input's `end` records are left to the writer.
 */
export async function* applyQuarantine(
  records: AsyncIterable<TestgateRecord>,
  ledger: QuarantineLedger,
  options: FilterOptions,
): AsyncGenerator<TestgateRecord> {
  const { find, entries } = compileLedger(ledger);
  const expiredFails = (options.expired ?? 'fail') === 'fail';
  const tallies = new Map<CompiledEntry, Tally>(
    entries.map((compiled) => [compiled, { compiled, tests: 0, failures: 0 }]),
  );
  let ran = 0;
  let failedOutside = 0;
  let excused = 0;
  const mismatches: Mismatch[] = [];
  for await (const record of asOneStream(records)) {
    if (record.type !== 'test') {
      yield record;
      continue;
    }
    const failed = record.outcome === 'failed' || record.outcome === 'error';
    if (record.outcome !== 'skipped') ran++;
    const compiled = find(record.id, record.leg);
    if (!compiled) {
      if (failed) failedOutside++;
      yield record;
      continue;
    }
    const tally = tallies.get(compiled)!;
    tally.tests++;
    const { entry } = compiled;
    const daysLeft = daysBetween(options.today, entry.deadline);
    const expired = daysLeft < 0;
    // An entry pinned to a signature excuses that failure only.
    const failedWith =
      failed && entry.signature !== undefined ? failureSignatures(record) : undefined;
    const otherFailure =
      failedWith !== undefined && !failedWith.every((s) => s === entry.signature);
    const blocks = failed && ((expired && expiredFails) || otherFailure);
    if (failed) {
      tally.failures++;
      if (!blocks) excused++;
    }
    if (otherFailure) mismatches.push({ record, entry, failedWith });
    const mark: QuarantineMark = { ...entry, blocks, daysLeft, expired };
    if (failedWith !== undefined) mark.failedWith = failedWith;
    yield { ...record, quarantine: mark } satisfies TestRecord;
  }
  for (const { record, entry, failedWith } of mismatches)
    yield {
      ...diagnostic(
        'warning',
        'quarantine-signature-mismatch',
        `${JSON.stringify(record.id)} is quarantined for failing with ${entry.signature} (owner ${entry.owner}), but failed with ${failedWith.length > 0 ? failedWith.join(', ') : 'no signature'} in leg ${JSON.stringify(record.leg)}: this failure blocks`,
        'a new way to fail is no known flake: look at it, and pin the entry to it only if it is the same cause',
      ),
      leg: record.leg,
      test: record.id,
    };
  yield* endDiagnostics([...tallies.values()], options, {
    ran,
    failedOutside,
    excused,
    expiredFails,
  });
}

function diagnostic(
  severity: DiagnosticRecord['severity'],
  code: string,
  message: string,
  hint?: string,
): DiagnosticRecord {
  return { type: 'diagnostic', tool: TOOL, severity, code, message, ...(hint && { hint }) };
}

function* endDiagnostics(
  tallies: Tally[],
  options: FilterOptions,
  run: { ran: number; failedOutside: number; excused: number; expiredFails: boolean },
): Generator<DiagnosticRecord> {
  for (const { compiled, tests } of tallies) {
    const { entry } = compiled;
    const overdue = -daysBetween(options.today, entry.deadline);
    if (overdue > 0 && tests > 0) {
      const message = `quarantine of ${JSON.stringify(entry.test)} expired ${overdue} day(s) ago (deadline ${entry.deadline}, owner ${entry.owner})`;
      yield run.expiredFails
        ? diagnostic(
            'error',
            'quarantine-expired',
            `${message}: its failures block again`,
            'fix the test and remove the entry, or extend the deadline with an explanation',
          )
        : diagnostic('warning', 'quarantine-expired', `${message}: still excused (--expired warn)`);
    }
    if (tests === 0) {
      yield diagnostic(
        'warning',
        'quarantine-stale',
        `quarantine entry ${JSON.stringify(entry.test)} (owner ${entry.owner}) matched no test in this run`,
        'remove it if the test was renamed or deleted',
      );
    }
  }
  const maxExcused = options.maxExcused ?? 10;
  if (run.excused > maxExcused) {
    yield diagnostic(
      'error',
      'quarantine-excuse-withdrawn',
      `${run.excused} quarantined failures in one run, more than --max-excused ${maxExcused}: the excuse is withdrawn`,
      'so many failures at once is an outage, not flakiness; look at what they share',
    );
  }
  const share = run.ran === 0 ? 0 : run.failedOutside / run.ran;
  if (run.excused > 0 && share >= (options.massFailure ?? 0.3)) {
    yield diagnostic(
      'error',
      'quarantine-excuse-withdrawn',
      `quarantined failures in a run where ${Math.round(share * 100)}% of the tests failed: the excuse is withdrawn`,
      'a mass failure must not hide behind quarantine',
    );
  }
}
