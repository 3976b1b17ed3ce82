import { NO_RESULTS, type ParsedCase } from './model.js';

/** Where plain testcases come from, shared by those of one suite of one report. */
export interface Origin {
  readonly suites: string[];
  readonly file: string | undefined;
  readonly project: string | undefined;
  readonly report: string;
}

/**
 * Whether a testcase passed with nothing more to say than where it is and how long it
 * took: most of a run's tests.
 */
export function isPlain(c: ParsedCase): boolean {
  return (
    c.results.length === 0 &&
    c.stdout === undefined &&
    c.stderr === undefined &&
    c.properties === undefined
  );
}

/**
 * A leg's plain testcases, kept as columns: each costs its name and a few slots instead
 * of an object, so a leg of a million of them holds little more than their names, and the
 * collector has little to copy. A testcase here is its index.
 */
export class PlainCases {
  readonly #names: string[] = [];
  readonly #classnames: string[] = [];
  readonly #origins: Origin[] = [];
  /** Each testcase's duration and line, NaN for none. */
  #numbers = new Float64Array(2048);
  #lastOrigin: Origin | undefined;
  /** One testcase object, filled in anew for each reader that only looks (see `view`). */
  readonly #view: ParsedCase = PlainCases.#empty();

  /** Keeps a plain testcase; returns its index. */
  add(c: ParsedCase): number {
    const i = this.#names.length;
    let origin = this.#lastOrigin;
    if (
      origin === undefined ||
      origin.suites !== c.suites ||
      origin.file !== c.file ||
      origin.project !== c.project ||
      origin.report !== c.report
    )
      this.#lastOrigin = origin = {
        suites: c.suites,
        file: c.file,
        project: c.project,
        report: c.report,
      };
    this.#names.push(c.name);
    this.#classnames.push(c.classname);
    this.#origins.push(origin);
    if (2 * i + 2 > this.#numbers.length) {
      const grown = new Float64Array(this.#numbers.length * 2);
      grown.set(this.#numbers);
      this.#numbers = grown;
    }
    this.#numbers[2 * i] = c.duration ?? NaN;
    this.#numbers[2 * i + 1] = c.line ?? NaN;
    return i;
  }

  /** Where testcase `i` comes from. */
  origin(i: number): Origin {
    return this.#origins[i]!;
  }

  /** Testcase `i` as an object of its own, to keep. */
  caseAt(i: number): ParsedCase {
    return this.#fill(PlainCases.#empty(), i);
  }

  /** Testcase `i` in an object the next call fills anew: for a reader that keeps nothing of it. */
  view(i: number): ParsedCase {
    return this.#fill(this.#view, i);
  }

  #fill(c: ParsedCase, i: number): ParsedCase {
    const origin = this.#origins[i]!;
    const duration = this.#numbers[2 * i]!;
    const line = this.#numbers[2 * i + 1]!;
    c.name = this.#names[i]!;
    c.classname = this.#classnames[i]!;
    c.suites = origin.suites;
    c.file = origin.file;
    c.line = Number.isNaN(line) ? undefined : line;
    c.duration = Number.isNaN(duration) ? undefined : duration;
    c.project = origin.project;
    c.report = origin.report;
    return c;
  }

  // The parser's field order, so that both share one shape.
  static #empty(): ParsedCase {
    return {
      name: '',
      classname: '',
      suites: [],
      file: undefined,
      line: undefined,
      duration: undefined,
      results: NO_RESULTS,
      stdout: undefined,
      stderr: undefined,
      properties: undefined,
      project: undefined,
      report: '',
    };
  }
}
