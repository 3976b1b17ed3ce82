/** What a `time` attribute said: seconds, nothing, or a reason it could not be read. */
export type ParsedTime =
  | { seconds: number; problem?: undefined }
  | { seconds?: undefined; problem?: undefined }
  | { seconds?: undefined; problem: string };

/**
 * The longest time read, in seconds (about 11.6 days): a `time="1e308"` is no duration, and
 * would poison every sum and rate after it.
 */
export const MAX_SECONDS = 1e6;

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA = /^\d+,\d+$/;
const WITH_UNIT = /^(\d+\.?\d*|\.\d+)\s*(ns|us|µs|ms|s|m|h)$/;
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

// Digits a plain time may have for `plainSeconds`: below 2^53, so exact as an integer.
const EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: EXACT_DIGITS + 1 }, (_, n) => 10 ** n);

/**
 * Plain decimal seconds (`0.038`, `12`, `3.`) of up to 15 digits and at most MAX_SECONDS,
 * read without a regex or a string made: their digits as an integer divided by a power of
 * ten, both exact, so rounded once, like the conversion of the text. Undefined for
 * anything else (which `parseTime` reads).
 */
export function plainSeconds(raw: string): number | undefined {
  const length = raw.length;
  if (length === 0) return undefined;
  let digits = 0;
  let whole = 0;
  let point = -1;
  for (let i = 0; i < length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      if (++digits > EXACT_DIGITS) return undefined;
    } else if (c === 46 && point === -1 && i > 0) point = i;
    else return undefined;
  }
  const seconds = point === -1 ? whole : whole / POWERS_OF_TEN[length - point - 1]!;
  return seconds <= MAX_SECONDS ? seconds : undefined;
}

/**
 * Reads the `time` attributes runners write: plain or scientific seconds, thousands
 * separators (`14,029.255`), unit suffixes (`80.803us`). A decimal comma (`0,03`) is
 * ambiguous with a thousands separator and is reported rather than guessed.
 */
export function parseTime(raw: string | undefined): ParsedTime {
  const read = readTime(raw);
  return read.seconds !== undefined && read.seconds > MAX_SECONDS
    ? { problem: `time out of range ${JSON.stringify(raw)} (over ${MAX_SECONDS} s)` }
    : read;
}

function readTime(raw: string | undefined): ParsedTime {
  if (raw === undefined) return {};
  const text = raw.trim();
  if (text === '' || text === '<<computed>>') return {};
  if (PLAIN.test(text)) {
    const seconds = Number(text);
    if (seconds < 0) return { problem: `negative time ${JSON.stringify(raw)}` };
    return Number.isFinite(seconds)
      ? { seconds }
      : { problem: `time out of range ${JSON.stringify(raw)}` };
  }
  if (THOUSANDS.test(text)) return { seconds: Number(text.replaceAll(',', '')) };
  if (DECIMAL_COMMA.test(text)) {
    return {
      problem: `ambiguous time ${JSON.stringify(raw)} (decimal comma or thousands separator?)`,
    };
  }
  const unit = WITH_UNIT.exec(text);
  if (unit) return { seconds: Number(unit[1]) * UNIT_SECONDS[unit[2]!]! };
  return { problem: `unreadable time ${JSON.stringify(raw.slice(0, 40))}` };
}
