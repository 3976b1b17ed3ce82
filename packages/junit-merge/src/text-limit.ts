/** Default cap on one text field (message, stack trace, captured output), in characters. */
export const DEFAULT_MAX_TEXT = 64 * 1024;

/**
 * Collects text up to a cap and counts what it drops, so that a gigabyte of captured
 * output costs bounded memory and the cut is marked, never silent.
 */
export class LimitedText {
  #parts: string[] = [];
  #length = 0;
  #dropped = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  append(text: string): void {
    const room = this.#max - this.#length;
    if (room >= text.length) {
      this.#parts.push(text);
      this.#length += text.length;
    } else {
      if (room > 0) {
        this.#parts.push(text.slice(0, room));
        this.#length += room;
      }
      this.#dropped += text.length - Math.max(room, 0);
    }
  }

  get empty(): boolean {
    return this.#length === 0 && this.#dropped === 0;
  }

  toString(): string {
    const text = this.#parts.length === 1 ? this.#parts[0]! : this.#parts.join('');
    return this.#dropped === 0
      ? text
      : `${text}\n[… truncated by junit-merge: ${this.#dropped} more characters]`;
  }
}

/** Truncates one string (an attribute value) with the same marker. */
export function limitText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[… truncated by junit-merge: ${text.length - max} more characters]`;
}
