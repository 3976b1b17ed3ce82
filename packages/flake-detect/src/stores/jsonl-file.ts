import { createReadStream } from 'node:fs';
import {
  type HistoryEntry,
  InputError,
  readLineBatches,
  validateHistoryEntry,
} from '@testgate/stream';

const DAMAGED = 'the history is damaged: remove that line (or the file) and record again';

/**
 * A history file's entries, validated, a read chunk's lines at a time; a bad line is an
 * InputError at `shown`:line, with `hint`.
 */
export async function* readHistoryFile(
  file: string,
  shown = file,
  hint = DAMAGED,
): AsyncGenerator<HistoryEntry[]> {
  let line = 0;
  const chunks = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const lines of readLineBatches(chunks)) {
    const batch: HistoryEntry[] = [];
    for (const text of lines) {
      line++;
      if (text === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new InputError('history entry not JSON', { file: shown, line }, hint);
      }
      const valid = validateHistoryEntry(value);
      if (!valid.ok)
        throw new InputError(`history entry ${valid.problem}`, { file: shown, line }, hint);
      batch.push(value as HistoryEntry);
    }
    yield batch;
  }
}

export function toLines(entries: HistoryEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}
