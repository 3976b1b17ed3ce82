import { NO_RESULTS, type ParsedCase } from './model.js';
import { objectArray } from './object-array.js';

const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;

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
  // In blocks of a fixed size: a column grown as one array would leave each of its
  // smaller copies in the large-object space until a full collection.
  readonly #names: string[][] = objectArray();
  readonly #classnames: string[][] = objectArray();
  readonly #origins: Origin[][] = objectArray();
  /** Each testcase's duration and line, NaN for none. */
  readonly #numbers: Float64Array[] = objectArray();
  #size = 0;
  #lastOrigin: Origin | undefined;
  /** One testcase object, filled in anew for each reader that only looks (see `view`). */
  readonly #view: ParsedCase = PlainCases.#empty();

  /** Keeps a plain testcase; returns its index. */
  add(c: ParsedCase): number {
    const i = this.#size++;
    const slot = i & (BLOCK - 1);
    if (slot === 0) {
      this.#names.push(new Array<string>(BLOCK));
      this.#classnames.push(new Array<string>(BLOCK));
      this.#origins.push(new Array<Origin>(BLOCK));
      this.#numbers.push(new Float64Array(2 * BLOCK));
    }
    const block = i >> BLOCK_BITS;
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
    this.#names[block]![slot] = c.name;
    this.#classnames[block]![slot] = c.classname;
    this.#origins[block]![slot] = origin;
    const numbers = this.#numbers[block]!;
    numbers[2 * slot] = c.duration ?? NaN;
    numbers[2 * slot + 1] = c.line ?? NaN;
    return i;
  }

  /** Where testcase `i` comes from. */
  origin(i: number): Origin {
    return this.#origins[i >> BLOCK_BITS]![i & (BLOCK - 1)]!;
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
    const block = i >> BLOCK_BITS;
    const slot = i & (BLOCK - 1);
    const origin = this.#origins[block]![slot]!;
    const numbers = this.#numbers[block]!;
    const duration = numbers[2 * slot]!;
    const line = numbers[2 * slot + 1]!;
    c.name = this.#names[block]![slot]!;
    c.classname = this.#classnames[block]![slot]!;
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
