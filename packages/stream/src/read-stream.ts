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

const UPSTREAM_FAILED = 'the stage before this one stopped: its own error says why';

/**
 * The longest line read, in characters: far above any record (each text field is cut at
 * junit-merge's `--max-text`), far below what would exhaust the memory.
 */
export const MAX_LINE = 128 * 1024 * 1024;

/**
 * Splits a byte or text stream into lines without the line break (LF or CRLF), the lines
 * a chunk completes at a time: for readers of millions of lines, one step per chunk. A
 * line longer than `MAX_LINE` is an InputError naming its line (and `file`).
 */
export async function* readLineBatches(
  input: AsyncIterable<Buffer | string>,
  file = '-',
  maxLine = MAX_LINE,
): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  // The line begun in earlier chunks, in pieces: a long line is searched and joined once,
  // not once per chunk.
  let pieces: string[] = [];
  let pending = 0;
  let read = 0;
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      let line = text.slice(start, end);
      if (pieces.length > 0) {
        line = pieces.join('') + line;
        pieces = [];
        pending = 0;
      }
      lines.push(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    if (start < text.length) {
      pieces.push(start === 0 ? text : text.slice(start));
      pending += text.length - start;
      if (pending > maxLine)
        throw new InputError(
          `a line longer than ${maxLine} characters`,
          { file, line: read + lines.length + 1 },
          'no testgate record is that long: check what wrote this stream',
        );
    }
    read += lines.length;
    if (lines.length > 0) yield lines;
  }
  const last = pieces.join('') + decoder.end();
  if (last.length > 0) yield [last];
}

/**
 * Reads a testgate stream: parses and validates every line, rejects an unknown schema
 * version, and throws an InputError for a stream that was cut off before its `end`
 * record or whose `end` does not count what came before it. Concatenated streams (one
 * `run` … `end` after another) are read as they are.
 */
/** The deepest nesting of objects and arrays a record may have. */
export const MAX_DEPTH = 1000;

/** How deep a JSON text's objects and arrays nest (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

export async function* readRecords(
  input: AsyncIterable<Buffer | string>,
  options: ReadOptions = {},
): AsyncGenerator<TestgateRecord> {
  const file = options.file ?? '-';
  let line = 0;
  let inSegment = false;
  let segmentCount = 0;
  let seenAny = false;
  for await (const lines of readLineBatches(input, file))
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
      // Only a long line can nest deep enough to exhaust the stack of a later stringify.
      if (text.length > MAX_DEPTH * 2 && nestingDepth(text) > MAX_DEPTH)
        throw new InputError(
          `record nested more than ${MAX_DEPTH} levels deep`,
          place,
          'no testgate record nests so deep: check what wrote this stream',
        );
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
  // From a pipe, the stage before this one failed and said why: this says so in one line.
  const piped = file === '-';
  if (!seenAny) {
    throw new InputError(
      `empty input: no records${piped ? ` (${UPSTREAM_FAILED})` : ''}`,
      { file },
      piped ? undefined : NOT_A_STREAM_HINT,
    );
  }
  if (inSegment) {
    throw new InputError(
      `stream cut off after line ${line}: no end record${piped ? ` (${UPSTREAM_FAILED})` : ''}`,
      { file },
      piped ? undefined : 'the stage that wrote it stopped early; check its exit code and stderr',
    );
  }
}

/**
 * Concatenated streams as one: the first run record speaks for them, and the `end`
 * records go (the stage writing the result writes its own).
 */
export async function* asOneStream(
  records: AsyncIterable<TestgateRecord>,
): AsyncGenerator<TestgateRecord> {
  let seenRun = false;
  for await (const record of records) {
    if (record.type === 'end' || (record.type === 'run' && seenRun)) continue;
    if (record.type === 'run') seenRun = true;
    yield record;
  }
}
