import { createReadStream } from 'node:fs';
import {
  type HistoryEntry,
  InputError,
  readLineBatches,
  validateHistoryEntry,
} from '@testgate/stream';

/** A history file's entries, validated, a read chunk's lines at a time. */
export async function* readHistoryFile(file: string): AsyncGenerator<HistoryEntry[]> {
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
        throw damaged(file, line, 'not JSON');
      }
      const valid = validateHistoryEntry(value);
      if (!valid.ok) throw damaged(file, line, valid.problem);
      batch.push(value as HistoryEntry);
    }
    yield batch;
  }
}

export function toLines(entries: HistoryEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

function damaged(file: string, line: number, problem: string): InputError {
  return new InputError(
    `history entry ${problem}`,
    { file, line },
    'the history is damaged: remove that line (or the file) and record again',
  );
}
