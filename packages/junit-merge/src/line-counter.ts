/**
 * Turns character offsets of a document fed in chunks into line and column numbers,
 * without keeping more than the current and previous chunk.
 */
export class LineCounter {
  #base = 0;
  #baseLine = 1;
  #chunk = '';
  #previousBase = 0;
  #previousBaseLine = 1;
  #previous = '';

  /** Call with each chunk, in order, before parsing it. */
  push(chunk: string): void {
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

function countNewlines(text: string, end: number): number {
  let count = 0;
  let at = text.indexOf('\n');
  while (at !== -1 && at < end) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}

function locate(text: string, index: number, baseLine: number): { line: number; column: number } {
  const end = Math.min(index, text.length);
  const lineStart = text.lastIndexOf('\n', end - 1) + 1;
  return { line: baseLine + countNewlines(text, end), column: end - lineStart + 1 };
}
