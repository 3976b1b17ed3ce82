import { readFile } from 'node:fs/promises';
import { InputError } from './errors.js';
import type { QuarantineEntry, QuarantineLedger } from './generated/quarantine-types.js';
import { validateQuarantineLedger } from './validate.js';
import { isCalendarDate } from './dates.js';

const HINT =
  'each entry needs "test", "reason", "owner", "quarantinedDate" and "deadline" (YYYY-MM-DD)';

/** What an absent ledger holds: nothing is quarantined. */
const EMPTY_LEDGER_TEXT = '{ "quarantined": [] }';

/**
 * Reads the ledger file at `path` (`file` names it in messages); a file that cannot be read
 * is an InputError. With `ifMissing`, a file that does not exist is an empty ledger and
 * `ifMissing` gets the one line to say so.
 */
export async function readLedgerFile(
  path: string,
  file: string,
  options: { ifMissing?: (notice: string) => void } = {},
): Promise<QuarantineLedger> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.ifMissing) {
      options.ifMissing(
        `no ledger at ${file}: nothing is quarantined (an empty ledger is ${EMPTY_LEDGER_TEXT})`,
      );
      return { quarantined: [] };
    }
    throw new InputError(
      `cannot read the ledger (${code ?? (error as Error).message})`,
      { file },
      code === 'ENOENT'
        ? `nothing is quarantined yet: an empty ledger is ${EMPTY_LEDGER_TEXT}`
        : 'check the path and its permissions',
    );
  }
  return parseLedger(text, file);
}

/** Reads a ledger, naming the entry and field of the first problem (exit 2 for the CLI). */
export function parseLedger(text: string, file: string): QuarantineLedger {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not JSON (${(error as Error).message})`, { file }, HINT);
  }
  const check = validateQuarantineLedger(value);
  if (!check.ok) throw new InputError(nameEntry(value, check.problem), { file }, HINT);
  const ledger = value as QuarantineLedger;
  ledger.quarantined.forEach((entry, index) => {
    for (const field of ['quarantinedDate', 'deadline'] as const) {
      if (!isCalendarDate(entry[field])) {
        throw new InputError(
          `entry ${index} (test ${JSON.stringify(entry.test)}): ${field} ${JSON.stringify(entry[field])} is not a date`,
          { file },
          HINT,
        );
      }
    }
  });
  return ledger;
}

/** "quarantined.3 must have required property 'owner'" → "entry 3 (test "x"): must have …". */
function nameEntry(value: unknown, problem: string): string {
  const m = /^quarantined\.(\d+)(?:\.(\S+))? (.*)$/.exec(problem);
  if (!m) return `invalid ledger: ${problem}`;
  const entry = (value as { quarantined: Array<{ test?: unknown }> }).quarantined[Number(m[1])];
  const test = typeof entry?.test === 'string' ? ` (test ${JSON.stringify(entry.test)})` : '';
  return `entry ${m[1]}${test}: ${m[2] ? `${m[2]} ` : ''}${m[3]}`;
}

const KEY_ORDER = [
  'test',
  'reason',
  'owner',
  'quarantinedDate',
  'deadline',
  'issue',
  'legs',
  'signature',
];

/** The ledger as written: entries sorted by test, keys in one order, so diffs stay small. */
export function formatLedger(ledger: QuarantineLedger): string {
  const entries = [...ledger.quarantined]
    .sort((a, b) =>
      a.test < b.test
        ? -1
        : a.test > b.test
          ? 1
          : JSON.stringify(a.legs ?? []) < JSON.stringify(b.legs ?? [])
            ? -1
            : 1,
    )
    .map(orderKeys);
  const rest = Object.fromEntries(
    Object.entries(ledger)
      .filter(([key]) => key !== 'quarantined')
      .sort(),
  );
  return `${JSON.stringify({ ...rest, quarantined: entries }, null, 2)}\n`;
}

function orderKeys(entry: QuarantineEntry): QuarantineEntry {
  const known = KEY_ORDER.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]]);
  const other = Object.keys(entry)
    .filter((key) => !KEY_ORDER.includes(key))
    .sort()
    .map((key) => [key, entry[key]]);
  return Object.fromEntries([...known, ...other]) as QuarantineEntry;
}
