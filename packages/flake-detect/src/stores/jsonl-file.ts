import { createReadStream } from 'node:fs';
import {
  type HistoryEntry,
  InputError,
  readLineBatches,
  validateHistoryEntry,
} from '@testgate/stream';

const DAMAGED = 'the history is damaged: remove that line (or the file) and record again';

/** One parsed line of a JSON Lines file, and its number. */
export interface JsonLine {
  value: unknown;
  line: number;
}

/**
 * A JSON Lines file's lines, parsed, a read chunk's lines at a time (blank lines left
 * out); a line that is not JSON is an InputError at `shown`:line, "<what> not JSON".
 */
export async function* readJsonLines(
  file: string,
  shown: string,
  what: string,
  hint: string,
): AsyncGenerator<JsonLine[]> {
  let line = 0;
  const chunks = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const lines of readLineBatches(chunks, shown)) {
    const batch: JsonLine[] = [];
    for (const text of lines) {
      line++;
      if (text === '') continue;
      try {
        batch.push({ value: JSON.parse(text), line });
      } catch {
        throw new InputError(`${what} not JSON`, { file: shown, line }, hint);
      }
    }
    yield batch;
  }
}

/**
 * A history file's entries, validated, a read chunk's lines at a time; a bad line is an
 * InputError at `shown`:line, with `hint`.
 */
export async function* readHistoryFile(
  file: string,
  shown = file,
  hint = DAMAGED,
): AsyncGenerator<HistoryEntry[]> {
  for await (const lines of readJsonLines(file, shown, 'history entry', hint))
    yield lines.map(({ value, line }) => {
      const valid = validateHistoryEntry(value);
      if (!valid.ok)
        throw new InputError(`history entry ${valid.problem}`, { file: shown, line }, hint);
      return value as HistoryEntry;
    });
}

export function toLines(entries: HistoryEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}
