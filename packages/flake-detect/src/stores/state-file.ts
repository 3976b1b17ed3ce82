import { open } from 'node:fs/promises';
import { type HistoryStateLine, InputError, validateHistoryStateLine } from '@testgate/stream';
import type { HistoryState } from '../history-state.js';
import { readJsonLines } from './jsonl-file.js';

const DAMAGED = 'the history state is damaged: remove the file and record again';

/** Whether a file holds a state (its first line a header) rather than history entries. */
export async function holdsState(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(
      Buffer.alloc(HEADER.length),
      0,
      HEADER.length,
      0,
    );
    return buffer.subarray(0, bytesRead).toString('utf8') === HEADER;
  } finally {
    await handle.close();
  }
}

const HEADER = '{"type":"state"';

/**
 * Reads a state file (history-state.schema.json) into `state`; resolves to the segments
 * of entries it folded. A bad line is an InputError at `shown`:line.
 */
export async function readStateFile(
  file: string,
  state: HistoryState,
  shown = file,
): Promise<string[]> {
  let folded: string[] | undefined;
  for await (const lines of readJsonLines(file, shown, 'history state line', DAMAGED))
    for (const { line, value: parsed } of lines) {
      const value = parsed as HistoryStateLine;
      if (line === 1 && value?.type === 'state' && value.version !== 1)
        throw new InputError(
          `history state of version ${JSON.stringify(value.version)}, and this flake-detect reads version 1`,
          { file: shown, line },
          'record with the flake-detect that wrote it, or remove the file',
        );
      const valid = validateHistoryStateLine(value);
      if (!valid.ok)
        throw new InputError(`history state line ${valid.problem}`, { file: shown, line }, DAMAGED);
      if ((line === 1) !== (value.type === 'state'))
        throw new InputError(
          line === 1 ? 'history state without its header line' : 'a second history state header',
          { file: shown, line },
          DAMAGED,
        );
      if (value.type === 'state') folded = value.folded;
      else
        try {
          state.addLine(value);
        } catch (error) {
          throw new InputError((error as Error).message, { file: shown, line }, DAMAGED);
        }
    }
  if (folded === undefined)
    throw new InputError('history state is empty', { file: shown }, DAMAGED);
  return folded;
}

/** The state as the text of a state file, in chunks. */
export function* stateText(state: HistoryState, folded: readonly string[]): Generator<string> {
  let chunk = '';
  for (const line of state.lines(folded)) {
    chunk += `${JSON.stringify(line)}\n`;
    if (chunk.length >= 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
