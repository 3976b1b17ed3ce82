/**
 * Turns byte offsets of a document fed in chunks into line and column numbers, without
 * keeping more than the current and previous chunk. Columns count bytes.
 */
export class LineCounter {
  #base = 0;
  #baseLine = 1;
  #chunk: Uint8Array = new Uint8Array(0);
  #previousBase = 0;
  #previousBaseLine = 1;
  #previous: Uint8Array = new Uint8Array(0);

  /** Call with each chunk, in order, before scanning it. */
  push(chunk: Uint8Array): void {
    this.#previous = this.#chunk;
    this.#previousBase = this.#base;
    this.#previousBaseLine = this.#baseLine;
    this.#baseLine += countNewlines(this.#chunk, this.#chunk.length);
    this.#base += this.#chunk.length;
    this.#chunk = chunk;
  }

  /** Line and column (both 1-based) of an offset in the document. */
  at(offset: number): { line: number; column: number } {
    if (offset >= this.#base) return locate(this.#chunk, offset - this.#base, this.#baseLine);
    if (offset >= this.#previousBase) {
      return locate(this.#previous, offset - this.#previousBase, this.#previousBaseLine);
    }
    return { line: this.#previousBaseLine, column: 1 };
  }

  /** The last line of everything pushed so far. */
  get lastLine(): number {
    return this.#baseLine + countNewlines(this.#chunk, this.#chunk.length);
  }
}

const NEWLINE = 10;

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  let at = bytes.indexOf(NEWLINE);
  while (at !== -1 && at < end) {
    count++;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return count;
}

function locate(
  bytes: Uint8Array,
  index: number,
  baseLine: number,
): { line: number; column: number } {
  const end = Math.min(index, bytes.length);
  const lineStart = bytes.lastIndexOf(NEWLINE, end - 1) + 1;
  return { line: baseLine + countNewlines(bytes, end), column: end - lineStart + 1 };
}
