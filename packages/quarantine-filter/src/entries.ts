import {
  type QuarantineEntry,
  type QuarantineLedger,
  UsageError,
  ValueError,
  addDays,
  daysBetween,
  isCalendarDate,
} from '@testgate/stream';

export interface AddRequest {
  test?: string | undefined;
  owner?: string | undefined;
  reason?: string | undefined;
  days?: number | undefined;
  deadline?: string | undefined;
  issue?: string | undefined;
  legs?: string[] | undefined;
  /** Excuse only failures with this signature. */
  signature?: string | undefined;
}

const SIGNATURE = /^sig[0-9]+:[0-9a-f]{12}$/;

/**
 * Adds an entry; refuses one without owner, reason or deadline, with a deadline in the
 * past or more than `maxDays` away (a ValueError naming the request's field), or for a
 * test (and legs) already quarantined.
 */
export function addEntry(
  ledger: QuarantineLedger,
  request: AddRequest,
  today: string,
  maxDays: number,
): QuarantineLedger {
  for (const key of ['test', 'owner', 'reason'] as const)
    if (!request[key]?.trim())
      throw new ValueError(key, 'given: every quarantine has a test, an owner and a reason');
  if ((request.days === undefined) === (request.deadline === undefined))
    throw new ValueError(
      'deadline',
      'given, as a date or as a number of days from today (one of the two)',
      undefined,
      'a quarantine is not a parking lot',
    );
  if (request.days !== undefined && (!Number.isInteger(request.days) || request.days < 1))
    throw new ValueError('days', 'a whole number from 1', String(request.days));
  const deadline = request.deadline ?? addDays(today, request.days!);
  if (!isCalendarDate(deadline)) throw new ValueError('deadline', 'a date YYYY-MM-DD', deadline);
  const days = daysBetween(today, deadline);
  if (days < 1) throw new ValueError('deadline', `after today (${today})`, deadline);
  if (days > maxDays)
    throw new ValueError(
      'deadline',
      `at most ${maxDays} days away (it is ${days})`,
      deadline,
      'fix sooner, or raise the longest allowed quarantine deliberately',
    );
  if (request.signature !== undefined && !SIGNATURE.test(request.signature))
    throw new ValueError(
      'signature',
      'a failure signature like sig1:0a1b2c3d4e5f',
      request.signature,
    );
  const legs = request.legs && request.legs.length > 0 ? [...request.legs].sort() : undefined;
  const same = ledger.quarantined.find(
    (e) =>
      e.test === request.test && JSON.stringify(e.legs ?? null) === JSON.stringify(legs ?? null),
  );
  if (same)
    throw new UsageError(
      `${JSON.stringify(request.test)} is already quarantined (owner ${same.owner}, deadline ${same.deadline})`,
      'remove it first to change it',
    );
  const entry: QuarantineEntry = {
    test: request.test!,
    reason: request.reason!,
    owner: request.owner!,
    quarantinedDate: today,
    deadline,
  };
  if (request.issue) entry.issue = request.issue;
  if (legs) entry.legs = legs;
  if (request.signature !== undefined) entry.signature = request.signature;
  return { ...ledger, quarantined: [...ledger.quarantined, entry] };
}

/** Removes every entry for the test; refuses when there is none. */
export function removeEntry(ledger: QuarantineLedger, test: string): QuarantineLedger {
  const kept = ledger.quarantined.filter((e) => e.test !== test);
  if (kept.length === ledger.quarantined.length)
    throw new UsageError(
      `${JSON.stringify(test)} is not in the ledger`,
      'list the entries with: quarantine-filter list',
    );
  return { ...ledger, quarantined: kept };
}

export interface ListedEntry extends QuarantineEntry {
  daysLeft: number;
}

/** Entries with their days left, overdue first (most overdue first), then soonest due. */
export function listEntries(ledger: QuarantineLedger, today: string): ListedEntry[] {
  return ledger.quarantined
    .map((entry) => ({ ...entry, daysLeft: daysBetween(today, entry.deadline) }))
    .sort((a, b) => a.daysLeft - b.daysLeft || (a.test < b.test ? -1 : a.test > b.test ? 1 : 0));
}

/** The list as a table for people. */
export function formatList(entries: ListedEntry[]): string {
  if (entries.length === 0) return 'no test is quarantined\n';
  const rows = entries.map((e) => [
    e.daysLeft < 0 ? `${-e.daysLeft} overdue` : `${e.daysLeft} left`,
    e.owner,
    e.deadline,
    e.test,
    e.reason,
  ]);
  const header = ['days', 'owner', 'deadline', 'test', 'reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
