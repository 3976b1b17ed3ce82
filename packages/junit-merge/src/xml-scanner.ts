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

const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const OPEN_BRACKET = 0x5b;

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

// The element and attribute names of JUnit, each in a slot of a table by its length and
// three of its characters: a tag's names are the table's strings, found with one
// comparison each.
const KNOWN_NAMES = [
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
];
const NAME_SLOTS = 128;

function nameSlot(text: string, start: number, length: number): number {
  const first = text.charCodeAt(start);
  const middle = text.charCodeAt(start + (length >> 1));
  const last = text.charCodeAt(start + length - 1);
  return (length + first * 5 + middle * 3 + last) & (NAME_SLOTS - 1);
}

const NAME_TABLE = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
// Names that found their slot taken (none today): compared one by one.
const CROWDED: string[] = [];
for (const name of KNOWN_NAMES) {
  const slot = nameSlot(name, 0, name.length);
  if (NAME_TABLE[slot] === undefined) NAME_TABLE[slot] = name;
  else CROWDED.push(name);
}

function nameAt(text: string, start: number, end: number): string {
  const name = text.slice(start, end);
  // A short slice is a copy, compared in one step with the name in its slot.
  const known = NAME_TABLE[nameSlot(text, start, end - start)];
  if (known === name) return known;
  for (const crowded of CROWDED) if (crowded === name) return crowded;
  return name;
}

const ATTRIBUTE_BREAKS = /\r\n|[\r\n\t]/g;

/**
 * Where the next character an attribute value would need work for (`&`, a line break, a
 * tab) is in a text: a value that ends before all of them is its slice as it is. Values
 * are asked for in text order, so each character is looked for again only once passed.
 */
class SpecialCharacters {
  #text = '';
  #amp = -1;
  #newline = -1;
  #cr = -1;
  #tab = -1;

  /** Starts on another text. */
  reset(text: string): void {
    this.#text = text;
    this.#amp = this.#newline = this.#cr = this.#tab = -1;
  }

  /** Whether the text from `start` to `end` holds none of them. */
  noneIn(start: number, end: number): boolean {
    if (this.#amp < start) this.#amp = this.#next('&', start);
    if (this.#newline < start) this.#newline = this.#next('\n', start);
    if (this.#cr < start) this.#cr = this.#next('\r', start);
    if (this.#tab < start) this.#tab = this.#next('\t', start);
    return this.#amp >= end && this.#newline >= end && this.#cr >= end && this.#tab >= end;
  }

  #next(char: string, from: number): number {
    const at = this.#text.indexOf(char, from);
    return at === -1 ? this.#text.length : at;
  }
}

/**
 * Stores an attribute. The three every testcase has are stored by name: each store site
 * then stays specialised, where a store by computed key takes the engine's generic path
 * (7% of a testcase's instructions).
 */
function setAttribute(attrs: Record<string, string>, name: string, value: string): void {
  switch (name) {
    case 'name':
      attrs.name = value;
      break;
    case 'classname':
      attrs.classname = value;
      break;
    case 'time':
      attrs.time = value;
      break;
    default:
      attrs[name] = value;
  }
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
 * and comments, checked for balance and cut-off ends, fed text in chunks of any size. Its
 * searches stay inside the JavaScript engine, and an attribute value is a slice of the
 * chunk. It never processes a DTD, so no entity is ever expanded and nothing outside the
 * document is read; text and CDATA are handed over piece by piece, so a gigabyte of
 * captured output never becomes one string. Set `wantText = false` to skip text nobody
 * reads.
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
  readonly #special = new SpecialCharacters();

  constructor(events: XmlEvents) {
    this.#events = events;
  }

  write(chunk: string): void {
    if (this.#failed || chunk.length === 0) return;
    this.#buffer = this.#buffer.length === 0 ? chunk : this.#buffer + chunk;
    this.#consume(false);
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
    // Keep only the unfinished tail.
    this.#buffer = consumed === this.#buffer.length ? '' : this.#buffer.slice(consumed);
  }

  #fail(kind: 'malformed' | 'truncated', message: string, at: number): void {
    this.#failed = true;
    this.#events.error(kind, message, at);
  }

  /** Scans the buffer; returns how many characters it consumed. */
  #scan(final: boolean): number {
    const text = this.#buffer;
    this.#special.reset(text);
    let pos = 0;
    while (pos < text.length && !this.#failed) {
      if (this.#inCdata) {
        const end = text.indexOf(']]>', pos);
        if (end === -1) {
          // Hand over what is certain; keep two characters that may begin "]]>".
          const safe = final ? text.length : Math.max(pos, text.length - 2);
          if (safe > pos && this.wantText) this.#events.text(text.slice(pos, safe));
          return safe;
        }
        if (end > pos && this.wantText) this.#events.text(text.slice(pos, end));
        this.#inCdata = false;
        pos = end + 3;
        continue;
      }
      const lt = text.indexOf('<', pos);
      const textEnd = lt === -1 ? text.length : lt;
      if (textEnd > pos) {
        pos = this.#text(text, pos, textEnd, lt === -1 && !final);
        if (lt === -1) return pos;
      }
      if (lt === -1) return text.length;
      const step = this.#markup(text, lt);
      if (step === 'more') return lt;
      pos = step;
    }
    return pos;
  }

  /** Text from `start` to `end`; returns where scanning goes on (a cut entity waits). */
  #text(text: string, start: number, end: number, chunkEnd: boolean): number {
    let stop = end;
    if (chunkEnd) {
      const amp = text.lastIndexOf('&', end - 1);
      if (amp >= start && end - amp < 12 && text.indexOf(';', amp) === -1) stop = amp;
    }
    if (this.#stack.length === 0) {
      for (let i = start; i < stop; i++) {
        if (!isSpace(text.charCodeAt(i))) {
          this.#events.strayText(this.#base + i);
          return stop;
        }
      }
      return stop;
    }
    if (this.wantText && stop > start) this.#events.text(decodeEntities(text.slice(start, stop)));
    return stop;
  }

  /** Markup at `lt`: returns the position after it, or 'more' when the buffer ends inside it. */
  #markup(text: string, lt: number): Step {
    if (lt + 1 >= text.length) return 'more';
    const next = text.charCodeAt(lt + 1);
    if (next === SLASH) return this.#closeTag(text, lt);
    if (next === BANG) return this.#declaration(text, lt);
    if (next === QUESTION) {
      const end = text.indexOf('?>', lt + 2);
      return end === -1 ? 'more' : end + 2;
    }
    return this.#openTag(text, lt);
  }

  #closeTag(text: string, lt: number): Step {
    const gt = text.indexOf('>', lt + 2);
    if (gt === -1) return 'more';
    let end = gt;
    while (end > lt + 2 && isSpace(text.charCodeAt(end - 1))) end--;
    const name = nameAt(text, lt + 2, end);
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

  #declaration(text: string, lt: number): Step {
    if (text.length - lt < 4) return 'more';
    if (text.startsWith('--', lt + 2)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) return 'more';
      this.#events.comment(text.slice(lt + 4, end));
      return end + 3;
    }
    if (text.charCodeAt(lt + 2) === OPEN_BRACKET) {
      if (text.length - lt < 9) return 'more';
      if (!text.startsWith('CDATA[', lt + 3)) {
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
    const gt = text.indexOf('>', lt);
    if (gt === -1) return 'more';
    const bracket = text.indexOf('[', lt);
    let end = gt;
    if (bracket !== -1 && bracket < gt) {
      let close = text.indexOf(']', bracket);
      for (;;) {
        if (close === -1) return 'more';
        let after = close + 1;
        while (after < text.length && isSpace(text.charCodeAt(after))) after++;
        if (after >= text.length) return 'more';
        if (text.charCodeAt(after) === GT) {
          end = after;
          break;
        }
        close = text.indexOf(']', close + 1);
      }
    }
    this.#events.doctype(this.#base + lt);
    return end + 1;
  }

  #openTag(text: string, lt: number): Step {
    const length = text.length;
    let i = lt + 1;
    while (i < length && !isNameEnd(text.charCodeAt(i))) i++;
    if (i >= length) return 'more';
    if (i === lt + 1) {
      this.#fail('malformed', 'a "<" that starts no tag', this.#base + lt);
      return lt + 1;
    }
    const name = nameAt(text, lt + 1, i);
    const attrs: Record<string, string> = {};
    for (;;) {
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      const c = text.charCodeAt(i);
      if (c === GT) return this.#opened(name, attrs, lt, i + 1, false);
      if (c === SLASH) {
        if (i + 1 >= length) return 'more';
        if (text.charCodeAt(i + 1) !== GT) break;
        return this.#opened(name, attrs, lt, i + 2, true);
      }
      const nameStart = i;
      // Letters and '_' (above '>') end no name: most characters take one comparison. (No
      // read past the end: once out of bounds, the optimiser calls charCodeAt ever after.)
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c <= GT && isNameEnd(c)) break;
        i++;
      }
      if (i >= length) return 'more';
      const attrEnd = i;
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      if (text.charCodeAt(i) !== EQUALS || attrEnd === nameStart) break;
      i++;
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) return 'more';
      const quote = text.charCodeAt(i);
      if (quote !== DQUOTE && quote !== SQUOTE) break;
      const close = text.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
      if (close === -1) return 'more';
      // XML 1.0 §3.3.3: a literal CR LF, CR, LF or tab in a value is one space (a character
      // reference such as &#10; stays what it says), so the same test from a Windows and a
      // Linux leg gets the same id.
      const raw = text.slice(i + 1, close);
      setAttribute(
        attrs,
        nameAt(text, nameStart, attrEnd),
        this.#special.noneIn(i + 1, close)
          ? raw
          : decodeEntities(raw.replace(ATTRIBUTE_BREAKS, ' ')),
      );
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
