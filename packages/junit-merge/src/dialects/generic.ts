import type { ParsedCase, ParsedResult } from '../model.js';
import { type Dialect, classnameKey, distinctRuns, isFailing, withResult } from './dialect.js';

// Outcome words that writers without result elements put in `status` or `result` (tst,
// Bazel, files converted from NUnit/xUnit). Anything else is read as a normal run.
const NOT_RUN = new Set([
  'notrun',
  'not_run',
  'not run',
  'disabled',
  'suppressed',
  'skipped',
  'skip',
  'ignored',
  'notexecuted',
  'inconclusive',
]);
const FAILED = new Set(['fail', 'failed', 'failure']);
const ERRORED = new Set(['error', 'errored']);

/**
 * Outcomes carried in attributes, read so that no failure is lost: a failing word adds a
 * failure the testcase lacks; a not-run word (or `executed="False"`) makes a testcase
 * with no result element skipped.
 */
export function attributeResults(
  testcase: ParsedCase,
  attrs: Readonly<Record<string, string>>,
): ParsedResult[] {
  const words = [attrs.status, attrs.result].map((w) => w?.trim().toLowerCase());
  const failing = testcase.results.some(isFailing);
  for (const word of words) {
    if (word === undefined || failing) continue;
    if (ERRORED.has(word))
      return withResult(testcase, { kind: 'error', message: `${word} (from its attributes)` });
    if (FAILED.has(word))
      return withResult(testcase, { kind: 'failure', message: `${word} (from its attributes)` });
  }
  if (testcase.results.length > 0) return testcase.results;
  const notRun = words.find((w) => w !== undefined && NOT_RUN.has(w));
  if (notRun !== undefined)
    return [{ kind: 'skipped', message: `${notRun} (from its attributes)` }];
  if (attrs.executed?.trim().toLowerCase() === 'false')
    return [{ kind: 'skipped', message: 'not executed (from its attributes)' }];
  return testcase.results;
}

/**
 * Any JUnit writer junit-merge does not know by name: tests told apart by classname, else
 * file, else suite; repeated testcases are separate runs, so a failure among them blocks.
 */
export const generic: Dialect = {
  name: 'generic',
  detect: {},
  key: classnameKey,
  results: attributeResults,
  readRepeats: distinctRuns,
};
