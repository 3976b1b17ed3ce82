import { StringDecoder } from 'node:string_decoder';
import { InputError, echo } from './errors.js';
import type { TestgateRecord } from './generated/types.js';
import { STREAM_VERSION, validateRecord } from './validate.js';

export interface ReadOptions {
  /** Name of the input in messages: a path, or `-` for stdin. @default '-' */
  file?: string;
}

const NOT_A_STREAM_HINT =
  'a testgate stream is JSON Lines written by junit-merge or a later stage; pipe one in';

/**
 * Splits a byte or text stream into lines without the line break (LF or CRLF), the lines
 * a chunk completes at a time: for readers of millions of lines, one step per chunk.
 */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines: string[] = [];
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      lines.push(
        text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end),
      );
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  rest += decoder.end();
  if (rest.length > 0) yield [rest];
}

/**
 * Reads a testgate stream: parses and validates every line, rejects an unknown schema
 * version, and throws an InputError for a stream that was cut off before its `end`
 * record or whose `end` does not count what came before it. Concatenated streams (one
 * `run` … `end` after another) are read as they are.
 */
export async function* readRecords(
  input: AsyncIterable<Buffer | string>,
  options: ReadOptions = {},
): AsyncGenerator<TestgateRecord> {
  const file = options.file ?? '-';
  let line = 0;
  let inSegment = false;
  let segmentCount = 0;
  let seenAny = false;
  for await (const lines of readLineBatches(input))
    for (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const place = { file, line };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new InputError(`not a JSON record: ${echo(text)}`, place, NOT_A_STREAM_HINT);
      }
      const type = (value as { type?: unknown } | null)?.type;
      if (type === 'run') {
        const version = (value as { version?: unknown }).version;
        if (version !== STREAM_VERSION) {
          throw new InputError(
            `unsupported stream version (expected version ${STREAM_VERSION}, got ${JSON.stringify(version)})`,
            place,
            'upgrade the testgate tools so that every stage reads the same version',
          );
        }
      }
      const result = validateRecord(value);
      if (!result.ok) {
        throw new InputError(
          `invalid ${typeof type === 'string' ? `${type} ` : ''}record: ${result.problem}`,
          place,
        );
      }
      const record = result.record;
      if (!inSegment) {
        if (record.type !== 'run') {
          throw new InputError(
            `expected a run record to start the stream, got ${record.type}`,
            place,
            NOT_A_STREAM_HINT,
          );
        }
        inSegment = true;
        segmentCount = 0;
      } else if (record.type === 'run') {
        throw new InputError(
          'a new run record before the previous stream ended: the stream before it was cut off',
          place,
          'the stage that wrote the earlier stream failed; check its output',
        );
      }
      if (record.type === 'end') {
        if (record.records !== segmentCount) {
          throw new InputError(
            `records were lost (expected ${record.records} before the end record, got ${segmentCount})`,
            place,
            'the stream was altered or interleaved; pipe the stages directly',
          );
        }
        inSegment = false;
      } else {
        segmentCount++;
      }
      seenAny = true;
      yield record;
    }
  if (!seenAny) {
    throw new InputError('empty input: no records', { file }, NOT_A_STREAM_HINT);
  }
  if (inSegment) {
    throw new InputError(
      `stream cut off after line ${line}: no end record`,
      { file },
      'the stage that wrote it stopped early; check its exit code and stderr',
    );
  }
}
