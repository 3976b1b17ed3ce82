/**
 * Turns offsets of a document fed in chunks into line numbers, without keeping more than
 * the current and previous chunk. Offsets asked for mostly grow, so counting goes on from
 * the last one asked for instead of from the chunk's start.
 */
export class LineCounter {
  #base = 0;
  #baseLine = 1;
  #chunk = '';
  #previousBase = 0;
  #previousBaseLine = 1;
  #previous = '';
  /** An index into the current chunk, and the line it is on. */
  #cursor = 0;
  #cursorLine = 1;

  /** Call with each chunk, in order, before scanning it. */
  push(chunk: string): void {
    const endLine = this.#lineIn(this.#chunk.length);
    this.#previous = this.#chunk;
    this.#previousBase = this.#base;
    this.#previousBaseLine = this.#baseLine;
    this.#base += this.#chunk.length;
    this.#baseLine = endLine;
    this.#chunk = chunk;
    this.#cursor = 0;
    this.#cursorLine = endLine;
  }

  /** The line (1-based) of an offset in the document. */
  line(offset: number): number {
    if (offset >= this.#base) return this.#lineIn(offset - this.#base);
    if (offset >= this.#previousBase)
      return this.#previousBaseLine + countNewlines(this.#previous, 0, offset - this.#previousBase);
    return this.#previousBaseLine;
  }

  /** The last line of everything pushed so far. */
  get lastLine(): number {
    return this.#lineIn(this.#chunk.length);
  }

  #lineIn(index: number): number {
    if (index < this.#cursor) {
      this.#cursor = 0;
      this.#cursorLine = this.#baseLine;
    }
    this.#cursorLine += countNewlines(this.#chunk, this.#cursor, index);
    this.#cursor = index;
    return this.#cursorLine;
  }
}

function countNewlines(text: string, start: number, end: number): number {
  let count = 0;
  let at = text.indexOf('\n', start);
  while (at !== -1 && at < end) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}
