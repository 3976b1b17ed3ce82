/** What the scanner reports; offsets count characters from the start of the document. */
export interface XmlEvents {
  open(name: string, attrs: Record<string, string>, at: number): void;
  close(name: string): void;
  /** Text and CDATA content, entities decoded; one text node may come in several pieces. */
  text(text: string): void;
  /** Non-blank text outside the root element. */
  strayText(at: number): void;
  comment(text: string): void;
  doctype(at: number): void;
  /** The document is not well-formed; nothing more is reported after this. */
  error(kind: 'malformed' | 'truncated', message: string, at: number): void;
}

const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const DQUOTE = 34;
const SQUOTE = 39;

/** Longest markup (a tag, comment or declaration) held while waiting for its end. */
const MAX_MARKUP = 64 * 1024 * 1024;

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and character references; anything else stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    ENTITY,
    (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED[name]!;
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === GT || c === SLASH || c === EQUALS;
}

type Step = number | 'more';

/**
 * A small streaming XML scanner made for JUnit reports: elements, attributes, text, CDATA
 * and comments, checked for balance and cut-off ends, fed in chunks of any size. It never
 * processes a DTD, so no entity is ever expanded and nothing outside the document is read;
 * text and CDATA are handed over piece by piece, so a gigabyte of captured output never
 * becomes one string. Pass `wantText = false` to skip text nobody reads.
 */
export class XmlScanner {
  /** Set false while the text between tags is of no interest: it is then not even sliced. */
  wantText = true;
  readonly #events: XmlEvents;
  #buffer = '';
  /** Characters of the document before `#buffer`. */
  #base = 0;
  readonly #stack: string[] = [];
  #rootClosed = false;
  #inCdata = false;
  #failed = false;

  constructor(events: XmlEvents) {
    this.#events = events;
  }

  write(chunk: string): void {
    if (this.#failed) return;
    this.#buffer = this.#buffer.length === 0 ? chunk : this.#buffer + chunk;
    const consumed = this.#scan(false);
    this.#base += consumed;
    this.#buffer = this.#buffer.slice(consumed);
    if (this.#buffer.length > MAX_MARKUP && !this.#failed) {
      this.#fail(
        'malformed',
        `markup longer than ${MAX_MARKUP} characters without its end`,
        this.#base,
      );
    }
  }

  end(): void {
    if (this.#failed) return;
    const consumed = this.#scan(true);
    this.#base += consumed;
    this.#buffer = this.#buffer.slice(consumed);
    if (this.#failed) return;
    if (this.#inCdata || this.#buffer.length > 0) {
      this.#fail(
        'truncated',
        `file ends inside ${this.#inCdata ? 'a CDATA section' : 'markup'}: the report was cut off`,
        this.#base,
      );
    } else if (this.#stack.length > 0) {
      this.#fail(
        'truncated',
        `file ends inside <${this.#stack[this.#stack.length - 1]}>: the report was cut off`,
        this.#base,
      );
    }
  }

  #fail(kind: 'malformed' | 'truncated', message: string, at: number): void {
    this.#failed = true;
    this.#events.error(kind, message, at);
  }

  /** Scans the buffer; returns how many characters it consumed. */
  #scan(final: boolean): number {
    const buf = this.#buffer;
    let pos = 0;
    while (pos < buf.length && !this.#failed) {
      if (this.#inCdata) {
        const end = buf.indexOf(']]>', pos);
        if (end === -1) {
          // Hand over what is certain; keep two characters that may begin "]]>".
          const safe = final ? buf.length : Math.max(pos, buf.length - 2);
          if (safe > pos && this.wantText) this.#events.text(buf.slice(pos, safe));
          return safe;
        }
        if (end > pos && this.wantText) this.#events.text(buf.slice(pos, end));
        this.#inCdata = false;
        pos = end + 3;
        continue;
      }
      const lt = buf.indexOf('<', pos);
      const textEnd = lt === -1 ? buf.length : lt;
      if (textEnd > pos) {
        const kept = this.#text(buf, pos, textEnd, lt === -1 && !final);
        pos = kept;
        if (lt === -1) return pos;
      }
      if (lt === -1) return buf.length;
      const step = this.#markup(buf, lt);
      if (step === 'more') {
        if (final) return lt;
        return lt;
      }
      pos = step;
    }
    return pos;
  }

  /** Text from `start` to `end`; returns where scanning goes on (an entity cut by the chunk waits). */
  #text(buf: string, start: number, end: number, chunkEnd: boolean): number {
    let stop = end;
    if (chunkEnd) {
      const amp = buf.lastIndexOf('&', end - 1);
      if (amp >= start && end - amp < 12 && buf.indexOf(';', amp) === -1) stop = amp;
    }
    if (this.#stack.length === 0) {
      for (let i = start; i < stop; i++) {
        if (!isSpace(buf.charCodeAt(i))) {
          this.#events.strayText(this.#base + i);
          return stop;
        }
      }
      return stop;
    }
    if (this.wantText && stop > start) this.#events.text(decodeEntities(buf.slice(start, stop)));
    return stop;
  }

  /** Markup at `lt`: returns the position after it, or 'more' when the buffer ends inside it. */
  #markup(buf: string, lt: number): Step {
    const next = buf.charCodeAt(lt + 1);
    if (Number.isNaN(next)) return 'more';
    if (next === SLASH) return this.#closeTag(buf, lt);
    if (next === BANG) return this.#declaration(buf, lt);
    if (next === QUESTION) {
      const end = buf.indexOf('?>', lt + 2);
      return end === -1 ? 'more' : end + 2;
    }
    return this.#openTag(buf, lt);
  }

  #closeTag(buf: string, lt: number): Step {
    const gt = buf.indexOf('>', lt + 2);
    if (gt === -1) return 'more';
    const name = buf.slice(lt + 2, gt).trim();
    const open = this.#stack.pop();
    if (open !== name) {
      const what =
        open === undefined ? `</${name}> closes no open element` : `</${name}> closes <${open}>`;
      this.#fail('malformed', what, this.#base + lt);
      return gt + 1;
    }
    this.#events.close(name);
    if (this.#stack.length === 0) this.#rootClosed = true;
    return gt + 1;
  }

  #declaration(buf: string, lt: number): Step {
    if (buf.startsWith('<!--', lt)) {
      const end = buf.indexOf('-->', lt + 4);
      if (end === -1) return buf.length - lt < 4 ? 'more' : 'more';
      this.#events.comment(buf.slice(lt + 4, end));
      return end + 3;
    }
    if (buf.startsWith('<![CDATA[', lt)) {
      if (this.#stack.length === 0) {
        this.#fail('malformed', 'CDATA section outside the root element', this.#base + lt);
        return lt + 9;
      }
      this.#inCdata = true;
      return lt + 9;
    }
    if (buf.length - lt < 9) return 'more';
    // <!DOCTYPE ...> with an optional internal subset in brackets, skipped unread.
    const bracket = buf.indexOf('[', lt);
    const gt = buf.indexOf('>', lt);
    if (gt === -1) return 'more';
    let end = gt;
    if (bracket !== -1 && bracket < gt) {
      const close = /\]\s*>/g;
      close.lastIndex = bracket;
      const m = close.exec(buf);
      if (!m) return 'more';
      end = m.index + m[0].length - 1;
    }
    this.#events.doctype(this.#base + lt);
    return end + 1;
  }

  #openTag(buf: string, lt: number): Step {
    const length = buf.length;
    let i = lt + 1;
    while (i < length && !isNameEnd(buf.charCodeAt(i))) i++;
    if (i >= length) return 'more';
    const name = buf.slice(lt + 1, i);
    if (name === '') {
      this.#fail('malformed', 'a "<" that starts no tag', this.#base + lt);
      return lt + 1;
    }
    const attrs: Record<string, string> = {};
    for (;;) {
      while (i < length && isSpace(buf.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      const c = buf.charCodeAt(i);
      if (c === GT) {
        return this.#opened(name, attrs, lt, i + 1, false);
      }
      if (c === SLASH) {
        if (i + 1 >= length) return 'more';
        if (buf.charCodeAt(i + 1) !== GT) break;
        return this.#opened(name, attrs, lt, i + 2, true);
      }
      const nameStart = i;
      while (i < length && !isNameEnd(buf.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      const attrName = buf.slice(nameStart, i);
      while (i < length && isSpace(buf.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      if (buf.charCodeAt(i) !== EQUALS || attrName === '') break;
      i++;
      while (i < length && isSpace(buf.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      const quote = buf.charCodeAt(i);
      if (quote !== DQUOTE && quote !== SQUOTE) break;
      const close = buf.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
      if (close === -1) return 'more';
      attrs[attrName] = decodeEntities(buf.slice(i + 1, close));
      i = close + 1;
    }
    this.#fail('malformed', `<${name}> has a malformed attribute`, this.#base + i);
    return i;
  }

  #opened(
    name: string,
    attrs: Record<string, string>,
    lt: number,
    after: number,
    selfClosing: boolean,
  ): number {
    if (this.#rootClosed && this.#stack.length === 0) {
      this.#fail(
        'malformed',
        `a second root element <${name}> after the report ended`,
        this.#base + lt,
      );
      return after;
    }
    this.#events.open(name, attrs, this.#base + lt);
    if (selfClosing) {
      this.#events.close(name);
      if (this.#stack.length === 0) this.#rootClosed = true;
    } else {
      this.#stack.push(name);
    }
    return after;
  }
}
