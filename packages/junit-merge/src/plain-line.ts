import type { ParsedCase } from './model.js';

// The fast path of a leg's output: a lone testcase that passed with nothing more to say is
// written as the bytes JSON.stringify gives for its record, without the record. The fold
// test checks byte for byte that both paths agree, for every shape of testcase.

/**
 * The lines of lone testcases that passed with no output or properties (most of a run's
 * tests): the bytes JSON.stringify gives for their records (same keys in the same order),
 * made without the records, and valid by construction (every string JSON-escaped, a
 * duration the parser only lets through finite and non-negative, a line of 1 or more), so
 * not validated again. What consecutive tests share is escaped once: the scope's part of
 * the id, a name's part of its namesakes' ids, and the classname, suite and file of tests
 * from one report.
 */
export class PlainLines {
  /** `,"leg":…,"outcome":"passed","name":` */
  readonly #legAndOutcome: string;
  /** `{"type":"test","id":"<scope>::`, escaped. */
  #idHead = '';
  /** The id of namesakes of one name up to their qualifier: `…<scope>::<name> @ `. */
  #namesakesOf: string | undefined;
  #namesakesHead = '';
  /** A qualifier's escaped text and closing quote: the same reports qualify many names. */
  readonly #qualifiers = new Map<string, string>();
  #classname: string | undefined;
  #suites: readonly string[] | undefined;
  #file: string | undefined;
  /** `,"classname":…` and the suite and file when the record has them. */
  #context = '';

  constructor(leg: string) {
    this.#legAndOutcome = `,"leg":${JSON.stringify(leg)},"outcome":"passed","name":`;
  }

  /** The scope of the tests that follow. */
  scope(scope: string): void {
    this.#idHead = `{"type":"test","id":${scope === '' ? '"' : JSON.stringify(`${scope}::`).slice(0, -1)}`;
    this.#namesakesOf = undefined;
  }

  /**
   * The line of testcase `c`, the test `name` of the current scope (with `qualifier` when
   * it shares its id), or undefined when it is not a plain pass.
   */
  line(name: string, qualifier: string | undefined, c: ParsedCase): string | undefined {
    if (c.results.length !== 0 || c.stdout !== undefined || c.stderr !== undefined || c.properties)
      return undefined;
    let id: string;
    let nameJson: string;
    if (qualifier === undefined) {
      const keyJson = JSON.stringify(name);
      id = this.#idHead + keyJson.slice(1);
      nameJson = name === c.name ? keyJson : JSON.stringify(c.name);
    } else {
      if (name !== this.#namesakesOf) {
        this.#namesakesOf = name;
        this.#namesakesHead = this.#idHead + JSON.stringify(`${name} @ `).slice(1, -1);
      }
      let rest = this.#qualifiers.get(qualifier);
      if (rest === undefined)
        this.#qualifiers.set(qualifier, (rest = JSON.stringify(qualifier).slice(1)));
      id = this.#namesakesHead + rest;
      nameJson = JSON.stringify(c.name);
    }
    let line = `${id}${this.#legAndOutcome}${nameJson}${this.#contextOf(c)}`;
    if (c.line !== undefined) line += `,"line":${c.line}`;
    return c.duration === undefined
      ? `${line},"attempts":[{"outcome":"passed"}]}\n`
      : `${line},"attempts":[{"outcome":"passed","duration":${c.duration}}]}\n`;
  }

  #contextOf(c: ParsedCase): string {
    if (c.classname !== this.#classname || c.suites !== this.#suites || c.file !== this.#file) {
      this.#classname = c.classname;
      this.#suites = c.suites;
      this.#file = c.file;
      const suite = suiteOf(c);
      this.#context =
        `,"classname":${JSON.stringify(c.classname)}` +
        (suite === undefined ? '' : `,"suite":${JSON.stringify(suite)}`) +
        (c.file === undefined ? '' : `,"file":${JSON.stringify(c.file)}`);
    }
    return this.#context;
  }
}

/** The record's `suite`: the enclosing suites joined, left out when empty or the classname. */
export function suiteOf(first: ParsedCase): string | undefined {
  const suite =
    first.suites.length === 0
      ? ''
      : first.suites.length === 1
        ? first.suites[0]!
        : first.suites.join(' / ');
  return suite === '' || suite === first.classname ? undefined : suite;
}
