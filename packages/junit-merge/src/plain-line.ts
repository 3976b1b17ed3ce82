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
  /** Their name's JSON: most have it for their testcases' name too. */
  #namesakesName = '';
  /** A qualifier's escaped text and closing quote: the same reports qualify many names. */
  readonly #qualifiers = new Map<string, string>();
  #classname: string | undefined;
  #classnameJson = '';
  #suites: readonly string[] | undefined;
  #suiteJson = '';
  /** Each suite path's `suite` and its JSON: the tests of one suite share its path. */
  readonly #suitePaths = new Map<readonly string[], { suite: string; json: string }>();
  #file: string | undefined;
  #fileJson = '';
  /** Each file's `,"file":…`: namesakes from many reports come one after another. */
  readonly #files = new Map<string, string>();

  constructor(leg: string) {
    this.#legAndOutcome = `,"leg":${JSON.stringify(leg)},"outcome":"passed","name":`;
  }

  /** The scope of the tests that follow. */
  scope(scope: string): void {
    this.#idHead = `{"type":"test","id":${scope === '' ? '"' : JSON.stringify(`${scope}::`).slice(0, -1)}`;
    this.#namesakesOf = undefined;
  }

  /**
   * The line of plain testcase `c` (see `isPlain`: the leg keeps only those as columns),
   * the test `name` of the current scope, with `qualifier` when it shares its id.
   */
  line(name: string, qualifier: string | undefined, c: ParsedCase): string {
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
        this.#namesakesName = JSON.stringify(name);
      }
      let rest = this.#qualifiers.get(qualifier);
      if (rest === undefined)
        this.#qualifiers.set(qualifier, (rest = JSON.stringify(qualifier).slice(1)));
      id = this.#namesakesHead + rest;
      nameJson = c.name === name ? this.#namesakesName : JSON.stringify(c.name);
    }
    let line = `${id}${this.#legAndOutcome}${nameJson},"classname":${this.#classnameOf(c, nameJson)}${this.#suiteOf(c)}${this.#fileOf(c)}`;
    if (c.line !== undefined) line += `,"line":${c.line}`;
    return c.duration === undefined
      ? `${line},"attempts":[{"outcome":"passed"}]}\n`
      : `${line},"attempts":[{"outcome":"passed","duration":${c.duration}}]}\n`;
  }

  /** The classname's JSON: the name's when they are the same (jest-junit writes both alike). */
  #classnameOf(c: ParsedCase, nameJson: string): string {
    if (c.classname !== this.#classname) {
      this.#classname = c.classname;
      this.#classnameJson = c.classname === c.name ? nameJson : JSON.stringify(c.classname);
      this.#suites = undefined; // the suite is left out when it is the classname
    }
    return this.#classnameJson;
  }

  /** `,"suite":…`, or nothing when the record leaves the suite out. */
  #suiteOf(c: ParsedCase): string {
    if (c.suites !== this.#suites) {
      this.#suites = c.suites;
      let path = this.#suitePaths.get(c.suites);
      if (path === undefined) {
        const suite = joinedSuites(c.suites);
        path = { suite, json: `,"suite":${JSON.stringify(suite)}` };
        this.#suitePaths.set(c.suites, path);
      }
      this.#suiteJson = path.suite === '' || path.suite === c.classname ? '' : path.json;
    }
    return this.#suiteJson;
  }

  /** `,"file":…`, or nothing. */
  #fileOf(c: ParsedCase): string {
    if (c.file !== this.#file) {
      this.#file = c.file;
      if (c.file === undefined) this.#fileJson = '';
      else {
        let json = this.#files.get(c.file);
        if (json === undefined)
          this.#files.set(c.file, (json = `,"file":${JSON.stringify(c.file)}`));
        this.#fileJson = json;
      }
    }
    return this.#fileJson;
  }
}

/** The enclosing suites' names joined. */
function joinedSuites(suites: readonly string[]): string {
  return suites.length === 0 ? '' : suites.length === 1 ? suites[0]! : suites.join(' / ');
}

/** The record's `suite`: the enclosing suites joined, left out when empty or the classname. */
export function suiteOf(first: ParsedCase): string | undefined {
  const suite = joinedSuites(first.suites);
  return suite === '' || suite === first.classname ? undefined : suite;
}
