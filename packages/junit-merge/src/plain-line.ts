import { toJsonLine } from '@testgate/stream';
import type { FoldedTest } from './fold.js';
import { joinId } from './identity.js';
import type { ParsedCase } from './model.js';

// The fast path of a leg's output: a lone testcase that passed with nothing more to say is
// written as the bytes JSON.stringify gives for its record, without the record. The fold
// test checks byte for byte that both paths agree, for every shape of testcase.

/**
 * The JSON of what consecutive tests share, made once while it stays the same: the leg,
 * the classname (tests of one class come together), the suite and the file (tests of one
 * report share their suite's path and file objects).
 */
export class RepeatedJson {
  readonly leg: string;
  #classnameOf = '';
  #classname = '""';
  #suiteOf: { suites: string[]; classname: string } = { suites: [], classname: '' };
  #suite = '';
  #fileOf: string | undefined;
  #file = '';

  constructor(leg: string) {
    this.leg = JSON.stringify(leg);
  }

  classname(c: ParsedCase): string {
    if (c.classname !== this.#classnameOf) {
      this.#classnameOf = c.classname;
      this.#classname = JSON.stringify(c.classname);
    }
    return this.#classname;
  }

  /** `,"suite":...`, or nothing when the record leaves the suite out. */
  suite(c: ParsedCase): string {
    const of = this.#suiteOf;
    if (c.suites !== of.suites || c.classname !== of.classname) {
      this.#suiteOf = { suites: c.suites, classname: c.classname };
      const suite = suiteOf(c);
      this.#suite = suite === undefined ? '' : `,"suite":${JSON.stringify(suite)}`;
    }
    return this.#suite;
  }

  /** `,"file":...`, or nothing. */
  file(c: ParsedCase): string {
    if (c.file !== this.#fileOf) {
      this.#fileOf = c.file;
      this.#file = c.file === undefined ? '' : `,"file":${JSON.stringify(c.file)}`;
    }
    return this.#file;
  }
}

/**
 * The line of a lone testcase that passed with no output or properties: the bytes
 * JSON.stringify gives for its record (same keys in the same order), made without the
 * record, and valid by construction (every string JSON-escaped, a duration the parser
 * only lets through finite and non-negative, a line of 1 or more), so not validated again:
 * most of a run's tests. Undefined for any other testcase.
 */
export function plainLine(
  idJson: string,
  nameJson: string | undefined,
  json: RepeatedJson,
  c: ParsedCase,
): string | undefined {
  if (c.results.length !== 0 || c.stdout !== undefined || c.stderr !== undefined || c.properties)
    return undefined;
  let line = `{"type":"test","id":${idJson},"leg":${json.leg},"outcome":"passed","name":${nameJson ?? JSON.stringify(c.name)},"classname":${json.classname(c)}${json.suite(c)}${json.file(c)}`;
  if (c.line !== undefined) line += `,"line":${c.line}`;
  return c.duration === undefined
    ? `${line},"attempts":[{"outcome":"passed"}]}\n`
    : `${line},"attempts":[{"outcome":"passed","duration":${c.duration}}]}\n`;
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

/**
 * A leg's folded tests as JSON Lines: a lone testcase that passed with nothing more to say
 * straight from its testcase (`plainLine`), every other test from its record. The same
 * bytes either way (tested for every shape and producer).
 */
export function* testLines(
  tests: Iterable<FoldedTest>,
  leg: string,
  tool: string,
): Generator<string> {
  const json = new RepeatedJson(leg);
  // A qualifier's JSON, made once: the same reports qualify every title they share.
  const qualifierJson = new Map<string, string>();
  // JSON escapes character by character: the id's escaped scope is made once per scope.
  let scope: string | undefined;
  let idPrefix = '';
  // Tests that share an id come one after another: their common prefix is made once.
  let sharedName: string | undefined;
  let sharedPrefix = '';
  for (const test of tests) {
    if (test.scope !== scope) {
      scope = test.scope;
      idPrefix = scope === '' ? '"' : JSON.stringify(`${scope}::`).slice(0, -1);
      sharedName = undefined;
    }
    const { lone, name, qualifier } = test;
    let line: string | undefined;
    if (lone && qualifier !== undefined) {
      let rest = qualifierJson.get(qualifier);
      if (rest === undefined)
        qualifierJson.set(qualifier, (rest = JSON.stringify(qualifier).slice(1)));
      if (name !== sharedName) {
        sharedName = name;
        sharedPrefix = JSON.stringify(`${joinId(test.scope, name)} @ `).slice(0, -1);
      }
      line = plainLine(sharedPrefix + rest, undefined, json, lone);
    } else if (lone) {
      const nameJson = JSON.stringify(name);
      line = plainLine(
        `${idPrefix}${nameJson.slice(1)}`,
        name === lone.name ? nameJson : undefined,
        json,
        lone,
      );
    }
    yield line ?? toJsonLine(test.record(), { tool });
  }
}
