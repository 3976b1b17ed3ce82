import {
  type DetectContext,
  type Dialect,
  detectComment,
  detectProperty,
  detectRoot,
  detectSuite,
  detectTestcase,
  generic,
} from './dialects/index.js';
import { hasOutcomeAttributes } from './dialects/dialect.js';
import { parseTime, plainSeconds } from './duration.js';
import { Utf8Decoder } from './decode.js';
import { detached } from './detached.js';
import { LineCounter } from './line-counter.js';
import {
  type DiagnosticDraft,
  NO_RESULTS,
  type ParsedCase,
  type ParsedReport,
  type ParsedResult,
  type ResultKind,
} from './model.js';
import { DEFAULT_MAX_TEXT, LimitedText, limitText } from './text-limit.js';
import { normaliseTimestamp } from './timestamp.js';
import { XmlScanner } from './xml-scanner.js';
import { objectArray } from './object-array.js';

export interface ParseOptions {
  /**
   * Longest text kept for one field (message, stack trace, output); the rest is dropped
   * with a marker.
   * @default 65536
   */
  maxText?: number;
}

const RESULT_KINDS = new Set<string>([
  'failure',
  'error',
  'skipped',
  'flakyFailure',
  'flakyError',
  'rerunFailure',
  'rerunError',
]);

/** The deepest nesting of suites read (every suite's path is kept for its testcases). */
const MAX_SUITE_DEPTH = 1000;

// XML files that sit beside the reports and are not test reports: left out with a note.
const NOT_REPORTS: Record<string, string> = {
  'failsafe-summary': "Failsafe's run summary (failsafe-summary.xml)",
  'testng-results': "TestNG's own results file (testng-results.xml)",
};

interface SuiteFrame {
  name: string;
  declared: number | undefined;
  casesAtOpen: number;
  line: number;
  file: string | undefined;
  hostname: string | undefined;
  attrs: Record<string, string>;
  /** The names of this suite and its ancestors, shared by every case inside it. */
  path: string[];
}

interface OpenResult {
  result: ParsedResult;
  body: LimitedText;
  stdout?: LimitedText;
  stderr?: LimitedText;
}

const NO_FILE: [undefined, undefined] = [undefined, undefined];
/** Slots for recent classnames (a power of two). */
const RECENT_SLOTS = 256;

function recentSlot(name: string): number {
  const n = name.length;
  if (n < 9) return (n * 7 + (n === 0 ? 0 : name.charCodeAt(0))) & (RECENT_SLOTS - 1);
  const tail = name.charCodeAt(n - 1) + name.charCodeAt(n - 5) * 3 + name.charCodeAt(n - 9) * 11;
  return (n * 7 + tail + name.charCodeAt(n >> 1) * 5) & (RECENT_SLOTS - 1);
}

interface OpenCase {
  parsed: ParsedCase;
  stdout?: LimitedText;
  stderr?: LimitedText;
  /** A failure or error directly under a suite, recorded as a case of its own. */
  suiteLevel: boolean;
  /** The testcase's attributes, kept only when some carry an outcome (`status`, …). */
  outcomeAttrs?: Record<string, string>;
}

/** A suite that claims tests but holds none: an error unless the file's other suites hold them (an aggregate). */
interface EmptyClaim {
  name: string;
  declared: number;
  line: number;
}

/**
 * Streaming reader for one JUnit XML report. Feed it decoded text with `write`, then call
 * `end`. It is lenient about syntax and strict about structure: a cut-off file, a tag
 * closed out of order, a document that is not JUnit, or an empty file becomes an error
 * diagnostic with its line, and whatever complete testcases came before still count.
 * DTDs are never processed, so no entity is ever expanded.
 */
export class ReportParser {
  readonly #report: string;
  readonly #maxText: number;
  readonly #lines = new LineCounter();
  /** For a report fed as bytes. */
  #utf8: Utf8Decoder | undefined;
  readonly #scanner: XmlScanner;
  readonly #cases: ParsedCase[] = objectArray();
  readonly #diagnostics: DiagnosticDraft[] = objectArray();
  readonly #suites: SuiteFrame[] = objectArray();
  #depth = 0;
  #root: string | undefined;
  #rootAttrs: Record<string, string> | undefined;
  #firstSuiteFile: string | undefined;
  #notReport: string | undefined;
  readonly #emptyClaims: EmptyClaim[] = objectArray();
  #rootTime: number | undefined;
  #topSuiteTime = 0;
  #topSuiteTimeSeen = false;
  #earliest: string | undefined;
  #dialect: Dialect | undefined;
  #case: OpenCase | undefined;
  #result: OpenResult | undefined;
  #sink: LimitedText | undefined;
  #sinkDepth = 0;
  #property: { name: string; target: Record<string, string> } | undefined;
  #broken = false;
  #sawDoctype = false;
  /** Offset of the tag being handled, for line numbers. */
  #at = 0;
  #timeProblems = 0;
  #firstTimeProblem: DiagnosticDraft | undefined;

  constructor(report: string, options: ParseOptions = {}) {
    this.#report = report;
    this.#maxText = options.maxText ?? DEFAULT_MAX_TEXT;
    this.#scanner = new XmlScanner({
      open: (name, attrs, at) => {
        this.#at = at;
        this.#open(name, attrs);
      },
      close: (name) => this.#close(name),
      text: (text) => this.#text(text),
      strayText: (at) =>
        this.#fail(
          'not-junit',
          'not a JUnit report: text outside the root element',
          this.#lineAt(at),
          'is the file a JUnit XML report?',
        ),
      comment: (text) => {
        if (!this.#dialect) this.#dialect = detectComment(text);
      },
      doctype: (at) => {
        if (this.#sawDoctype) return;
        this.#sawDoctype = true;
        this.#diagnose(
          'warning',
          'dtd-ignored',
          'document type declaration ignored: DTDs and their entities are never processed',
          this.#lineAt(at),
        );
      },
      error: (kind, message, at) => {
        if (kind === 'truncated')
          this.#fail(
            'report-truncated',
            message,
            this.#lines.lastLine,
            'the runner was killed or the upload was cut; rerun the leg',
          );
        else this.#fail('xml-malformed', message, this.#lineAt(at));
      },
    });
    this.#scanner.wantText = false;
  }

  /** Feeds the next piece of the report: text, or UTF-8 bytes. */
  write(chunk: string | Uint8Array): void {
    const text =
      typeof chunk === 'string' ? chunk : (this.#utf8 ??= new Utf8Decoder()).write(chunk);
    if (text.length === 0) return;
    this.#lines.push(text);
    this.#scanner.write(text);
  }

  /** Records a warning about the file as a whole (its encoding, say). */
  warn(code: string, message: string): void {
    this.#diagnose('warning', code, message, 1);
  }

  end(): ParsedReport {
    if (this.#utf8) this.write(this.#utf8.end());
    this.#scanner.end();
    if (this.#root === undefined && !this.#broken && this.#notReport === undefined) {
      this.#fail(
        'report-empty',
        'empty file: no XML at all',
        1,
        'the runner did not write its report; check the leg log',
      );
    }
    for (const claim of this.#emptyClaims) {
      // An aggregate (`<testsuite tests="46"/>` beside the real suites) is not a loss.
      if (this.#cases.length >= claim.declared) continue;
      this.#diagnose(
        'error',
        'suite-tests-missing',
        `suite ${JSON.stringify(claim.name)} claims ${claim.declared} tests but holds no testcase`,
        claim.line,
        'the runner crashed or dropped the suite; check the leg log',
      );
    }
    if (this.#timeProblems > 0 && this.#firstTimeProblem) {
      const more = this.#timeProblems > 1 ? ` (and ${this.#timeProblems - 1} more)` : '';
      this.#diagnostics.push({
        ...this.#firstTimeProblem,
        message: `${this.#firstTimeProblem.message}${more}; durations left unset`,
      });
    }
    detachNames(this.#cases);
    const parsed: ParsedReport = {
      report: this.#report,
      producer: this.#dialect?.name,
      cases: this.#cases,
      diagnostics: this.#diagnostics,
      readable: this.#root !== undefined,
    };
    if (this.#notReport !== undefined) parsed.notReport = this.#notReport;
    if (this.#earliest) parsed.earliestTimestamp = this.#earliest;
    const duration = this.#rootTime ?? (this.#topSuiteTimeSeen ? this.#topSuiteTime : undefined);
    if (duration !== undefined) parsed.duration = duration;
    return parsed;
  }

  #open(name: string, attrs: Record<string, string>): void {
    this.#depth++;
    if (this.#broken) return;
    if (this.#root === undefined) {
      if (name !== 'testsuites' && name !== 'testsuite') {
        const known = NOT_REPORTS[name];
        if (known !== undefined) {
          this.#notReport = known;
          this.#diagnose(
            'info',
            'not-a-report',
            `left out: ${known}, not a test report`,
            this.#line(),
          );
          this.#broken = true;
          return;
        }
        this.#fail(
          'not-junit',
          `not a JUnit report: the root element is <${name}>`,
          this.#line(),
          'expected <testsuites> or <testsuite>; is this an error page saved as XML?',
        );
        return;
      }
      this.#root = name;
      this.#rootAttrs = attrs;
      if (name === 'testsuites') this.#rootTime = this.#time(attrs.time);
      this.#dialect ??= detectRoot(name, attrs, this.#context());
    }
    if (this.#sink) return; // markup inside text we capture (rare): its text still flows in
    switch (name) {
      case 'testsuite':
        return this.#openSuite(attrs);
      case 'testcase':
        return this.#openCase(attrs);
      case 'system-out':
      case 'system-err':
        return this.#openOutput(name);
      case 'stackTrace':
        if (this.#result) this.#capture(this.#result.body);
        return;
      case 'property':
        return this.#readProperty(attrs);
      default:
        if (RESULT_KINDS.has(name)) this.#openResult(name as ResultKind, attrs);
    }
  }

  #openSuite(attrs: Record<string, string>): void {
    if (this.#suites.length >= MAX_SUITE_DEPTH) {
      this.#fail(
        'suite-too-deep',
        `suites nested more than ${MAX_SUITE_DEPTH} levels deep; the rest of the file is not read`,
        this.#line(),
        'no runner nests suites so deep: check what wrote this report',
      );
      return;
    }
    const suiteName = detached(attrs.name ?? '');
    const parent = this.#suites[this.#suites.length - 1];
    const topLevel = this.#suites.length === 0;
    const time = this.#time(attrs.time);
    if (topLevel && time !== undefined) {
      this.#topSuiteTime += time;
      this.#topSuiteTimeSeen = true;
    }
    const timestamp = this.#timestamp(attrs.timestamp);
    if (timestamp && (this.#earliest === undefined || timestamp < this.#earliest))
      this.#earliest = timestamp;
    this.#dialect ??= detectSuite(attrs, this.#context());
    const file = attrs.file === undefined ? parent?.file : detached(attrs.file);
    if (this.#firstSuiteFile === undefined && attrs.file !== undefined) this.#firstSuiteFile = file;
    const declared = attrs.tests === undefined ? undefined : Number.parseInt(attrs.tests, 10);
    this.#suites.push({
      name: suiteName,
      declared: Number.isFinite(declared) ? declared : undefined,
      casesAtOpen: this.#cases.length,
      line: this.#line(),
      file,
      hostname: attrs.hostname === undefined ? parent?.hostname : detached(attrs.hostname),
      attrs,
      path: [...(parent?.path ?? []), suiteName],
    });
  }

  #openCase(attrs: Record<string, string>): void {
    const suite = this.#suites[this.#suites.length - 1];
    this.#dialect ??= detectTestcase(attrs, this.#context());
    const rawFile =
      attrs.file ??
      suite?.file ??
      (this.#dialect?.fileOnFirstSuite ? this.#firstSuiteFile : undefined);
    const [file, lineFromFile] = rawFile === undefined ? NO_FILE : this.#fileLine(rawFile);
    const line = attrs.line === undefined ? lineFromFile : Number.parseInt(attrs.line, 10);
    const name = attrs.name ?? ''; // copied out of its chunk with the report's others (see end)
    // Every field set, in one order: a million of these share one shape.
    const parsed: ParsedCase = {
      name,
      classname: this.#intern(attrs.classname ?? attrs.class ?? '', name),
      suites: suite?.path ?? [],
      file,
      line: line !== undefined && line >= 1 ? line : undefined,
      duration: this.#time(attrs.time),
      results: NO_RESULTS,
      stdout: undefined,
      stderr: undefined,
      properties: undefined,
      project: suite?.hostname,
      report: this.#report,
    };
    this.#case = { parsed, suiteLevel: false };
    if (hasOutcomeAttributes(attrs)) this.#case.outcomeAttrs = attrs;
  }

  // One object for every detection hook, brought up to date when asked for: a report no
  // dialect recognises asks at every testcase.
  readonly #detectContext: DetectContext = { report: '', root: undefined, suite: undefined };

  #context(): DetectContext {
    const context = this.#detectContext;
    context.report = this.#report;
    context.root = this.#rootAttrs;
    context.suite = this.#suites[this.#suites.length - 1]?.attrs;
    return context;
  }

  #openResult(kind: ResultKind, attrs: Record<string, string>): void {
    if (!this.#case) {
      // A failure or error directly under a suite: a setup failure that must not vanish.
      if (kind !== 'failure' && kind !== 'error') return;
      const suite = this.#suites[this.#suites.length - 1];
      this.#case = {
        parsed: {
          name: '(suite)',
          classname: suite?.name ?? '',
          suites: suite?.path ?? [],
          results: [],
          report: this.#report,
        },
        suiteLevel: true,
      };
    }
    // node:test writes the message as a non-standard `failure` attribute.
    const message = attrs.message ?? attrs.failure;
    const result: ParsedResult = { kind };
    if (message !== undefined && message !== '')
      result.message = detached(limitText(message, this.#maxText));
    if (attrs.type !== undefined && attrs.type !== '') result.errorType = detached(attrs.type);
    const duration = this.#time(attrs.time);
    if (duration !== undefined) result.duration = duration;
    this.#result = { result, body: new LimitedText(this.#maxText) };
    // Surefire nests <stackTrace> inside flaky/rerun elements; elsewhere the body is the trace.
    if (kind === 'failure' || kind === 'error' || kind === 'skipped')
      this.#capture(this.#result.body);
  }

  #openOutput(name: 'system-out' | 'system-err'): void {
    const target = this.#result ?? this.#case;
    if (!target) return; // suite-level output: not attached to any test
    const buffer = new LimitedText(this.#maxText);
    if (name === 'system-out') target.stdout = buffer;
    else target.stderr = buffer;
    this.#capture(buffer);
  }

  #readProperty(attrs: Record<string, string>): void {
    if (attrs.name === undefined) return;
    const key = detached(attrs.name);
    if (this.#case) {
      const target = (this.#case.parsed.properties ??= {});
      if (attrs.value !== undefined) target[key] = detached(limitText(attrs.value, this.#maxText));
      else this.#setProperty({ name: key, target });
    } else {
      this.#dialect ??= detectProperty(key, attrs.value, this.#context());
    }
  }

  #capture(buffer: LimitedText): void {
    this.#setSink(buffer);
    this.#sinkDepth = this.#depth;
  }

  // The scanner slices and decodes text only while somebody reads it.
  #setSink(sink: LimitedText | undefined): void {
    this.#sink = sink;
    this.#scanner.wantText = sink !== undefined || this.#property !== undefined;
  }

  #setProperty(property: { name: string; target: Record<string, string> } | undefined): void {
    const done = this.#property;
    if (done?.target[done.name] !== undefined)
      done.target[done.name] = detached(done.target[done.name]!);
    this.#property = property;
    this.#scanner.wantText = property !== undefined || this.#sink !== undefined;
  }

  #text(text: string): void {
    if (this.#sink) this.#sink.append(text);
    else if (this.#property) {
      const { target, name } = this.#property;
      target[name] = (target[name] ?? '') + text;
    }
  }

  #close(name: string): void {
    const depth = this.#depth--;
    if (this.#broken) return;
    if (this.#sink && depth === this.#sinkDepth) this.#setSink(undefined);
    if (name === 'property') this.#setProperty(undefined);
    else if (name === 'testcase') this.#closeCase();
    else if (RESULT_KINDS.has(name)) this.#closeResult();
    else if (name === 'testsuite') this.#closeSuite();
  }

  #closeResult(): void {
    const open = this.#result;
    if (!open || !this.#case) return;
    this.#result = undefined;
    const { result } = open;
    const details = bodyText(open.body);
    if (details !== undefined) result.details = details;
    copyOutput(open, result);
    const { parsed } = this.#case;
    if (parsed.results === NO_RESULTS) parsed.results = [result];
    else parsed.results.push(result);
    if (this.#case.suiteLevel) this.#closeCase();
  }

  #closeCase(): void {
    const open = this.#case;
    if (!open) return;
    this.#case = undefined;
    const { parsed } = open;
    copyOutput(open, parsed);
    if (open.outcomeAttrs) {
      const read = this.#dialect?.results ?? generic.results!;
      parsed.results = read(parsed, open.outcomeAttrs);
    }
    this.#cases.push(parsed);
  }

  #closeSuite(): void {
    const suite = this.#suites.pop();
    if (!suite) return;
    const found = this.#cases.length - suite.casesAtOpen;
    if (suite.declared !== undefined && suite.declared > 0 && found === 0)
      this.#emptyClaims.push({ name: suite.name, declared: suite.declared, line: suite.line });
  }

  // A suite's file is every testcase's in it: split once, not per testcase.
  #lastFile: { raw: string; split: [string | undefined, number | undefined] } | undefined;

  #fileLine(raw: string): [string | undefined, number | undefined] {
    if (this.#lastFile?.raw !== raw) this.#lastFile = { raw, split: splitFileLine(detached(raw)) };
    return this.#lastFile.split;
  }

  // The suites of a report mostly state one timestamp: it is read once.
  #lastTimestamp: { raw: string | undefined; normalised: string | undefined } = {
    raw: undefined,
    normalised: undefined,
  };

  #timestamp(raw: string | undefined): string | undefined {
    const last = this.#lastTimestamp;
    if (raw !== last.raw) this.#lastTimestamp = { raw, normalised: normaliseTimestamp(raw) };
    return this.#lastTimestamp.normalised;
  }

  // A report names the same class for many testcases: they share one string, so that
  // later maps find its hash already computed and comparisons stop at its identity. The
  // recent names sit in slots chosen by length and a few characters near the end (where
  // class names differ); a slot holds the last name that fell in it.
  readonly #recentClassnames = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);

  #intern(classname: string, name: string): string {
    const slot = recentSlot(classname);
    const recent = this.#recentClassnames[slot];
    if (recent === classname) return recent;
    // jest-junit writes the name as the classname too: one copy serves both.
    const kept = classname === name ? name : detached(classname);
    this.#recentClassnames[slot] = kept;
    return kept;
  }

  #time(raw: string | undefined): number | undefined {
    if (raw === undefined) return undefined;
    // The common case first, without a regex or an allocation: plain seconds.
    const seconds = plainSeconds(raw);
    if (seconds !== undefined) return seconds;
    const parsed = parseTime(raw);
    if (parsed.problem !== undefined) {
      if (this.#timeProblems++ === 0) {
        this.#firstTimeProblem = {
          severity: 'warning',
          code: 'time-unreadable',
          message: parsed.problem,
          file: this.#report,
          line: this.#line(),
        };
      }
    }
    return parsed.seconds;
  }

  #line(): number {
    return this.#lineAt(this.#at);
  }

  #lineAt(offset: number): number {
    return this.#lines.line(offset);
  }

  #diagnose(
    severity: DiagnosticDraft['severity'],
    code: string,
    message: string,
    line?: number,
    hint?: string,
  ): void {
    const diagnostic: DiagnosticDraft = { severity, code, message, file: this.#report };
    if (line !== undefined) diagnostic.line = line;
    if (hint !== undefined) diagnostic.hint = hint;
    this.#diagnostics.push(diagnostic);
  }

  /** A structural error: reported once, and the rest of the file is not trusted. */
  #fail(code: string, message: string, line: number, hint?: string): void {
    this.#broken = true;
    this.#diagnose('error', code, message, line, hint);
  }
}

/**
 * Copies the testcases' names out of the chunks they were sliced from, all in one string
 * whose slices they become: one copy for the report instead of one for each name. A
 * classname that is its testcase's name (jest-junit writes both alike) shares the copy.
 */
function detachNames(cases: ParsedCase[]): void {
  if (cases.length === 0) return;
  const names = cases.map((c) => c.name).join('');
  let at = 0;
  for (const c of cases) {
    const name = names.slice(at, (at += c.name.length));
    if (c.classname === c.name) c.classname = name;
    c.name = name;
  }
}

/** Captured output of a testcase or result element, onto what the parser hands on. */
function copyOutput(
  from: { stdout?: LimitedText; stderr?: LimitedText },
  to: { stdout?: string; stderr?: string },
): void {
  const stdout = bodyText(from.stdout);
  if (stdout !== undefined) to.stdout = stdout;
  const stderr = bodyText(from.stderr);
  if (stderr !== undefined) to.stderr = stderr;
}

/** An element's text without the indentation around it; undefined when there is none. */
function bodyText(buffer: LimitedText | undefined): string | undefined {
  if (!buffer || buffer.empty) return undefined;
  const text = buffer.toString().trim();
  return text === '' ? undefined : detached(text);
}

/** Splits `path/to/file.ts:12` into the file and its line, and turns `\` into `/`. */
function splitFileLine(raw: string): [string | undefined, number | undefined] {
  if (raw === '') return NO_FILE;
  const file = raw.includes('\\') ? raw.replaceAll('\\', '/') : raw;
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(file);
  if (m && m[1] && !/^[a-zA-Z]$/.test(m[1])) return [m[1], Number(m[2])];
  return [file, undefined];
}
