/** What the scanner reports; offsets count bytes from the start of the document. */
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

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const AMP = 0x26;
const SEMICOLON = 0x3b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Longest markup (a tag, comment or declaration) held while waiting for its end. */
const MAX_MARKUP = 64 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

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

// The element and attribute names of JUnit, as constants: no string is made for them,
// tag after tag.
const KNOWN_NAMES = new Map<string, string>(
  [
    'name',
    'classname',
    'time',
    'timestamp',
    'tests',
    'file',
    'line',
    'message',
    'type',
    'value',
    'hostname',
    'testsuites',
    'testsuite',
    'testcase',
    'failure',
    'error',
    'skipped',
    'system-out',
    'system-err',
    'properties',
    'property',
    'flakyFailure',
    'flakyError',
    'rerunFailure',
    'rerunError',
    'stackTrace',
  ].map((name) => [name, name]),
);
const NAME_KEYS = new Map<number, string[]>();
for (const name of KNOWN_NAMES.keys()) {
  const key = name.length * 256 + name.charCodeAt(name.length - 1);
  NAME_KEYS.set(key, [...(NAME_KEYS.get(key) ?? []), name]);
}

function nameAt(buf: Buffer, start: number, end: number): string {
  const candidates = NAME_KEYS.get((end - start) * 256 + buf[end - 1]!);
  if (candidates) {
    for (const name of candidates) {
      let same = true;
      for (let i = 0; i < name.length - 1 && same; i++)
        same = buf[start + i] === name.charCodeAt(i);
      if (same) return name;
    }
  }
  return buf.toString('utf8', start, end);
}

// Numbers are most of a report's attribute values (time, line, tests) and repeat: each
// distinct one of a document becomes a string once, found again by a key made of its
// bytes. Up to this many per document.
const MAX_NUMBERS = 4096;

// The characters of a number, 4 bits each; -1 for any other byte.
const NUMBER_CODES = new Int8Array(256).fill(-1);
for (const [code, char] of [...'0123456789.-+eE'].entries())
  NUMBER_CODES[char.charCodeAt(0)] = code;

/** A key for a short number's bytes (its characters, after its length), or -1. */
function numberKey(buf: Buffer, start: number, end: number): number {
  // 12 characters and the length fit in 52 bits: an exact integer.
  if (end - start > 12) return -1;
  let key = end - start;
  for (let i = start; i < end; i++) {
    const code = NUMBER_CODES[buf[i]!]!;
    if (code < 0) return -1;
    key = key * 16 + code;
  }
  return key;
}

// XML 1.0 §3.3.3: a literal CR LF, CR, LF or tab in an attribute value is one space (a
// character reference such as &#10; stays what it says), so the same test from a Windows
// and a Linux leg gets the same id.
const ATTRIBUTE_BREAKS = /\r\n|[\r\n\t]/g;

/** An attribute value from its quoted bytes, whitespace normalised and entities decoded. */
function valueAt(buf: Buffer, start: number, end: number, numbers: Map<number, string>): string {
  const key = numberKey(buf, start, end);
  if (key === -1) {
    const raw = buf.toString('utf8', start, end);
    return decodeEntities(
      raw.includes('\n') || raw.includes('\r') || raw.includes('\t')
        ? raw.replace(ATTRIBUTE_BREAKS, ' ')
        : raw,
    );
  }
  let value = numbers.get(key);
  if (value === undefined) {
    value = buf.toString('latin1', start, end);
    if (numbers.size < MAX_NUMBERS) numbers.set(key, value);
  }
  return value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === GT || c === SLASH || c === EQUALS;
}

/** The end of the last whole UTF-8 character at or before `end`. */
function wholeCharacters(buf: Buffer, start: number, end: number): number {
  let i = end - 1;
  // Step back over continuation bytes to the lead byte of the last character.
  while (i >= start && i > end - 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < start) return end;
  const lead = buf[i]!;
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + length <= end ? end : i;
}

type Step = number | 'more';

/**
 * A small streaming XML scanner made for JUnit reports: elements, attributes, text, CDATA
 * and comments, checked for balance and cut-off ends, fed UTF-8 bytes in chunks of any
 * size. It works on the bytes, so a report is never decoded as a whole: only attribute
 * values and the text somebody reads become strings. It never processes a DTD, so no
 * entity is ever expanded and nothing outside the document is read; text and CDATA are
 * handed over piece by piece, so a gigabyte of captured output never becomes one string.
 * Set `wantText = false` to skip text nobody reads.
 */
export class XmlScanner {
  /** Set false while the text between tags is of no interest: it is then not even decoded. */
  wantText = true;
  readonly #events: XmlEvents;
  #buffer: Buffer = EMPTY;
  /** Bytes of the document before `#buffer`. */
  #base = 0;
  readonly #stack: string[] = [];
  #rootClosed = false;
  #inCdata = false;
  #failed = false;
  readonly #numbers = new Map<number, string>();

  constructor(events: XmlEvents) {
    this.#events = events;
  }

  write(chunk: Uint8Array): void {
    if (this.#failed || chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#buffer = this.#buffer.length === 0 ? bytes : Buffer.concat([this.#buffer, bytes]);
    this.#consume(false);
    if (this.#buffer.length > MAX_MARKUP && !this.#failed) {
      this.#fail('malformed', `markup longer than ${MAX_MARKUP} bytes without its end`, this.#base);
    }
  }

  end(): void {
    if (this.#failed) return;
    this.#consume(true);
    if (this.#failed) return;
    if (this.#inCdata || this.#buffer.length > 0) {
      const where = this.#inCdata ? 'a CDATA section' : 'markup';
      this.#fail('truncated', `file ends inside ${where}: the report was cut off`, this.#base);
    } else if (this.#stack.length > 0) {
      const open = this.#stack[this.#stack.length - 1];
      this.#fail('truncated', `file ends inside <${open}>: the report was cut off`, this.#base);
    }
  }

  #consume(final: boolean): void {
    const consumed = this.#scan(final);
    this.#base += consumed;
    // Keep only the unfinished tail; copy it so that the chunk it came from can go.
    this.#buffer =
      consumed === this.#buffer.length ? EMPTY : Buffer.from(this.#buffer.subarray(consumed));
  }

  #fail(kind: 'malformed' | 'truncated', message: string, at: number): void {
    this.#failed = true;
    this.#events.error(kind, message, at);
  }

  /** Scans the buffer; returns how many bytes it consumed. */
  #scan(final: boolean): number {
    const buf = this.#buffer;
    let pos = 0;
    while (pos < buf.length && !this.#failed) {
      if (this.#inCdata) {
        const end = buf.indexOf(']]>', pos);
        if (end === -1) {
          // Hand over what is certain; keep two bytes that may begin "]]>".
          const safe = final
            ? buf.length
            : wholeCharacters(buf, pos, Math.max(pos, buf.length - 2));
          if (safe > pos && this.wantText) this.#events.text(buf.toString('utf8', pos, safe));
          return safe;
        }
        if (end > pos && this.wantText) this.#events.text(buf.toString('utf8', pos, end));
        this.#inCdata = false;
        pos = end + 3;
        continue;
      }
      const lt = buf.indexOf(LT, pos);
      const textEnd = lt === -1 ? buf.length : lt;
      if (textEnd > pos) {
        pos = this.#text(buf, pos, textEnd, lt === -1 && !final);
        if (lt === -1) return pos;
      }
      if (lt === -1) return buf.length;
      const step = this.#markup(buf, lt);
      if (step === 'more') return lt;
      pos = step;
    }
    return pos;
  }

  /** Text from `start` to `end`; returns where scanning goes on (a cut entity or character waits). */
  #text(buf: Buffer, start: number, end: number, chunkEnd: boolean): number {
    let stop = end;
    if (chunkEnd) {
      const amp = buf.lastIndexOf(AMP, end - 1);
      if (amp >= start && end - amp < 12 && buf.indexOf(SEMICOLON, amp) === -1) stop = amp;
      stop = wholeCharacters(buf, start, stop);
    }
    if (this.#stack.length === 0) {
      for (let i = start; i < stop; i++) {
        if (!isSpace(buf[i]!)) {
          this.#events.strayText(this.#base + i);
          return stop;
        }
      }
      return stop;
    }
    if (this.wantText && stop > start)
      this.#events.text(decodeEntities(buf.toString('utf8', start, stop)));
    return stop;
  }

  /** Markup at `lt`: returns the position after it, or 'more' when the buffer ends inside it. */
  #markup(buf: Buffer, lt: number): Step {
    if (lt + 1 >= buf.length) return 'more';
    const next = buf[lt + 1]!;
    if (next === SLASH) return this.#closeTag(buf, lt);
    if (next === BANG) return this.#declaration(buf, lt);
    if (next === QUESTION) {
      const end = buf.indexOf('?>', lt + 2);
      return end === -1 ? 'more' : end + 2;
    }
    return this.#openTag(buf, lt);
  }

  #closeTag(buf: Buffer, lt: number): Step {
    const gt = buf.indexOf(GT, lt + 2);
    if (gt === -1) return 'more';
    let end = gt;
    while (end > lt + 2 && isSpace(buf[end - 1]!)) end--;
    const name = nameAt(buf, lt + 2, end);
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

  #declaration(buf: Buffer, lt: number): Step {
    if (buf.length - lt < 4) return 'more';
    if (buf[lt + 2] === 0x2d && buf[lt + 3] === 0x2d) {
      const end = buf.indexOf('-->', lt + 4);
      if (end === -1) return 'more';
      this.#events.comment(buf.toString('utf8', lt + 4, end));
      return end + 3;
    }
    if (buf[lt + 2] === OPEN_BRACKET) {
      if (buf.length - lt < 9) return 'more';
      if (buf.toString('latin1', lt + 3, lt + 9) !== 'CDATA[') {
        this.#fail('malformed', 'a "<![" that starts no CDATA section', this.#base + lt);
        return lt + 3;
      }
      if (this.#stack.length === 0) {
        this.#fail('malformed', 'CDATA section outside the root element', this.#base + lt);
        return lt + 9;
      }
      this.#inCdata = true;
      return lt + 9;
    }
    // <!DOCTYPE ...> with an optional internal subset in brackets, skipped unread.
    const gt = buf.indexOf(GT, lt);
    if (gt === -1) return 'more';
    const bracket = buf.indexOf(OPEN_BRACKET, lt);
    let end = gt;
    if (bracket !== -1 && bracket < gt) {
      let close = buf.indexOf(CLOSE_BRACKET, bracket);
      for (;;) {
        if (close === -1) return 'more';
        let after = close + 1;
        while (after < buf.length && isSpace(buf[after]!)) after++;
        if (after >= buf.length) return 'more';
        if (buf[after] === GT) {
          end = after;
          break;
        }
        close = buf.indexOf(CLOSE_BRACKET, close + 1);
      }
    }
    this.#events.doctype(this.#base + lt);
    return end + 1;
  }

  #openTag(buf: Buffer, lt: number): Step {
    const length = buf.length;
    let i = lt + 1;
    while (i < length && !isNameEnd(buf[i]!)) i++;
    if (i >= length) return 'more';
    if (i === lt + 1) {
      this.#fail('malformed', 'a "<" that starts no tag', this.#base + lt);
      return lt + 1;
    }
    const name = nameAt(buf, lt + 1, i);
    const attrs: Record<string, string> = {};
    for (;;) {
      while (i < length && isSpace(buf[i]!)) i++;
      if (i >= length) return 'more';
      const c = buf[i]!;
      if (c === GT) return this.#opened(name, attrs, lt, i + 1, false);
      if (c === SLASH) {
        if (i + 1 >= length) return 'more';
        if (buf[i + 1] !== GT) break;
        return this.#opened(name, attrs, lt, i + 2, true);
      }
      const nameStart = i;
      while (i < length && !isNameEnd(buf[i]!)) i++;
      if (i >= length) return 'more';
      const attrEnd = i;
      while (i < length && isSpace(buf[i]!)) i++;
      if (i >= length) return 'more';
      if (buf[i] !== EQUALS || attrEnd === nameStart) break;
      i++;
      while (i < length && isSpace(buf[i]!)) i++;
      if (i >= length) return 'more';
      const quote = buf[i]!;
      if (quote !== DQUOTE && quote !== SQUOTE) break;
      const close = buf.indexOf(quote, i + 1);
      if (close === -1) return 'more';
      attrs[nameAt(buf, nameStart, attrEnd)] = valueAt(buf, i + 1, close, this.#numbers);
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
