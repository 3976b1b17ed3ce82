import { closeSync, openSync, readSync } from 'node:fs';
import { opensJsonObject, readCtrfReport } from './ctrf-report.js';
import { type ChunkDecoder, detectEncoding } from './decode.js';
import type { DiagnosticDraft, ParsedReport } from './model.js';
import { type ParseOptions, ReportParser } from './parse-report.js';

/** A report to read: a name for messages and a source of its bytes. */
export interface ReportSource {
  /** Path (or `-`) as the user should see it in messages and records. */
  path: string;
  /** The bytes in chunks; a chunk may be reused for the next, so a reader copies what it keeps. */
  read: () => AsyncIterable<Uint8Array>;
  /** Its first `bytes` bytes (HEAD_BYTES at most), valid until the next head is read. */
  head?: (bytes: number) => Uint8Array;
  /** The file on disk, when the report is one (a worker thread can then read it itself). */
  file?: string;
  /** What the path is when it is no regular file (a FIFO, a device): it is not read. */
  skipped?: string;
}

// Each chunk becomes a string for the scanner, and the values it keeps are slices of it.
// A string over 128 KiB would live in V8's large-object space, freed only by a full
// collection; chunks this size are young objects like any other.
const READ_CHUNK = 64 * 1024;
/** How much of a report `head` gives: where runners write the suites' start. */
export const HEAD_BYTES = 64 * 1024;
const headBuffer = Buffer.allocUnsafe(HEAD_BYTES);

/**
 * The read buffer of the last file read, for the next one. A fresh buffer for every read
 * costs the kernel a mapping and its page faults, which threads reading at once queue up
 * for (they share one address space). So a chunk a source yields is only valid until the
 * next is asked for: every reader here copies what it keeps.
 */
let spareChunk: Buffer | undefined;

/**
 * A report file on disk, read in chunks so that no file is ever one string in memory.
 * The reads are synchronous: from the page cache they cost less than a trip through the
 * thread pool for each chunk, and there is nothing else for the thread to do meanwhile.
 */
export function fileSource(path: string, displayPath = path): ReportSource {
  async function* read(): AsyncGenerator<Uint8Array> {
    const fd = openSync(path, 'r');
    const chunk = spareChunk ?? Buffer.allocUnsafe(READ_CHUNK);
    spareChunk = undefined;
    try {
      for (;;) {
        const length = readSync(fd, chunk, 0, READ_CHUNK, null);
        if (length === 0) return;
        yield length === READ_CHUNK ? chunk : chunk.subarray(0, length);
      }
    } finally {
      closeSync(fd);
      spareChunk = chunk;
    }
  }
  function head(bytes: number): Uint8Array {
    const fd = openSync(path, 'r');
    try {
      return headBuffer.subarray(0, readSync(fd, headBuffer, 0, Math.min(bytes, HEAD_BYTES), 0));
    } finally {
      closeSync(fd);
    }
  }
  return { path: displayPath, file: path, read, head };
}

/** A report read whole beforehand (standard input, which can be read only once). */
export async function bufferedSource(
  displayPath: string,
  input: AsyncIterable<Uint8Array>,
): Promise<ReportSource> {
  const chunks: Uint8Array[] = [];
  let failure: unknown;
  try {
    for await (const chunk of input) chunks.push(chunk);
  } catch (error) {
    failure = error; // said when the report is read, as for a file
  }
  const bytes = Buffer.concat(chunks);
  return {
    path: displayPath,
    read: async function* () {
      if (failure !== undefined) throw failure;
      yield bytes;
    },
    head: (length) => bytes.subarray(0, Math.min(length, HEAD_BYTES)),
  };
}

/** A path that matched but is no regular file: nothing is read from it, and it is said so. */
export function skippedSource(displayPath: string, what: string): ReportSource {
  return { path: displayPath, read: async function* () {}, skipped: what };
}

/**
 * Reads and parses one report. Never throws for bad input: an unreadable file comes back
 * as a report with an error diagnostic.
 */
export async function readReport(
  source: ReportSource,
  options: ParseOptions = {},
): Promise<ParsedReport> {
  if (source.skipped !== undefined) {
    return {
      ...unread(source, {
        severity: 'warning',
        code: 'report-skipped',
        message: `not read: ${source.skipped}, not a regular file`,
        hint: 'only regular files are read; remove it from the artifacts, or name the file it stands for',
      }),
      notReport: source.skipped,
    };
  }
  const parser = new ReportParser(source.path, options);
  let decoder: ChunkDecoder | undefined;
  let json: Uint8Array[] | undefined;
  try {
    for await (const chunk of source.read()) {
      if (json || (!decoder && opensJsonObject(chunk))) {
        // A JSON report is read whole: JSON.parse needs all of it anyway.
        (json ??= []).push(Buffer.from(chunk));
        continue;
      }
      if (!decoder) {
        const encoding = detectEncoding(chunk);
        decoder = encoding.decoder;
        if (encoding.problem) parser.warn('encoding-unknown', encoding.problem);
      }
      parser.write(decoder.write(chunk));
    }
    if (json) return await readCtrfReport(source.path, decodeJson(json), options.maxText);
    if (decoder) parser.write(decoder.end());
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return unread(source, {
      severity: 'error',
      code: 'report-unreadable',
      message: `cannot read the report (${reason})`,
      hint: 'check that the path is a readable file',
    });
  }
  return parser.end();
}

/** JSON is UTF-8 (RFC 8259); a BOM before it is allowed and dropped. */
function decodeJson(chunks: Uint8Array[]): string {
  return new TextDecoder('utf-8', { ignoreBOM: false }).decode(Buffer.concat(chunks));
}

/** A report nothing was read from, with the diagnostic that says why. */
function unread(source: ReportSource, diagnostic: Omit<DiagnosticDraft, 'file'>): ParsedReport {
  return {
    report: source.path,
    producer: undefined,
    cases: [],
    readable: false,
    diagnostics: [{ ...diagnostic, file: source.path }],
  };
}
