import type { Writable } from 'node:stream';
import type { EndRecord, TestgateRecord } from './generated/types.js';
import { validateRecord } from './validate.js';

/** The reader downstream went away (`| head`): not an error, the tool stops and exits 0. */
export class PipeClosedError extends Error {
  constructor() {
    super('output pipe closed');
    this.name = 'PipeClosedError';
  }
}

export interface WriterOptions {
  /** Name of the stage, written into the `end` record. */
  tool: string;
  /**
   * Check every record against the schema before writing it; a record that fails is a
   * bug in the stage, never written.
   * @default true
   */
  validate?: boolean;
}

/**
 * Serialises one record as a JSON line, checking it against the schema first (a record
 * that fails is a bug in the stage that made it: it throws, and nothing is written).
 */
export function toJsonLine(
  record: TestgateRecord,
  options: { tool: string; validate?: boolean },
): string {
  if (options.validate !== false) {
    const result = validateRecord(record);
    if (!result.ok)
      throw new Error(`${options.tool} made an invalid ${record.type} record: ${result.problem}`);
  }
  return `${JSON.stringify(record)}\n`;
}

// Batches small writes: one write() per record costs more than the JSON itself.
const FLUSH_AT = 1 << 16;

/**
 * Writes JSON Lines with back-pressure and closes the stream with its `end` record.
 * `write` returns a promise only when the output asked to wait, so hot loops stay cheap:
 * `const wait = writer.write(record); if (wait) await wait;`.
 */
export class RecordWriter {
  readonly #output: Writable;
  readonly #tool: string;
  readonly #validate: boolean;
  #buffer = '';
  #count = 0;
  #failure: Error | undefined;

  constructor(output: Writable, options: WriterOptions) {
    this.#output = output;
    this.#tool = options.tool;
    this.#validate = options.validate ?? true;
    output.on('error', (error: NodeJS.ErrnoException) => {
      this.#failure = error.code === 'EPIPE' ? new PipeClosedError() : error;
    });
  }

  /** Records written so far, `end` excluded. */
  get count(): number {
    return this.#count;
  }

  write(record: TestgateRecord): Promise<void> | undefined {
    return this.writeSerialized(
      toJsonLine(record, { tool: this.#tool, validate: this.#validate }),
      1,
    );
  }

  /** Writes every record of a stage's output, waiting whenever the output asks to. */
  async writeAll(records: AsyncIterable<TestgateRecord>): Promise<void> {
    for await (const record of records) {
      const wait = this.write(record);
      if (wait) await wait;
    }
  }

  /** Writes `count` records already serialised as JSON Lines (each line ends with \n). */
  writeSerialized(lines: string, count: number): Promise<void> | undefined {
    if (this.#failure) throw this.#failure;
    this.#buffer += lines;
    this.#count += count;
    return this.#buffer.length >= FLUSH_AT ? this.flush() : undefined;
  }

  /**
   * Writes `count` records already serialised as JSON Lines (UTF-8 bytes, or text), straight
   * to the output (after whatever is buffered), waiting when it asks to.
   */
  async writeLines(lines: Uint8Array | string, count: number): Promise<void> {
    await this.flush();
    if (this.#failure) throw this.#failure;
    this.#count += count;
    if (!this.#output.write(lines)) await this.#drain();
  }

  /** Hands the buffered lines to the output and waits if it asks to. */
  async flush(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#buffer === '') return;
    const chunk = this.#buffer;
    this.#buffer = '';
    if (!this.#output.write(chunk)) await this.#drain();
  }

  /** Writes the `end` record and flushes; the output itself stays open (it may be stdout). */
  async end(): Promise<void> {
    const end: EndRecord = { type: 'end', tool: this.#tool, records: this.#count };
    this.#buffer += `${JSON.stringify(end)}\n`;
    await this.flush();
  }

  #drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const output = this.#output;
      const done = (): void => {
        output.off('drain', done);
        output.off('error', done);
        output.off('close', done);
        if (this.#failure) reject(this.#failure);
        else resolve();
      };
      output.on('drain', done);
      output.on('error', done);
      output.on('close', done);
    });
  }
}
