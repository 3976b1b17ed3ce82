import type { ParsedCase, ParsedResult } from '../model.js';
import { type Dialect, classnameKey, distinctRuns } from './dialect.js';
import { attributeResults } from './generic.js';

/**
 * Disabled tests carry only `status="notrun"` (and, since 1.12, `result="suppressed"`);
 * 1.10's `GTEST_SKIP` wrote `result="skipped"` with no element. `status="run"
 * result="completed"` is a normal run.
 */
function googletestResults(
  testcase: ParsedCase,
  attrs: Readonly<Record<string, string>>,
): ParsedResult[] {
  if (testcase.results.length === 0) {
    if (attrs.status === 'notrun' || attrs.result === 'suppressed')
      return [{ kind: 'skipped', message: 'disabled (not run)' }];
    if (attrs.result === 'skipped') return [{ kind: 'skipped', message: 'skipped' }];
  }
  return attributeResults(testcase, attrs);
}

/**
 * googletest `--gtest_output=xml`: root `<testsuites name="AllTests">`, a suite per
 * fixture, classname the fixture, name the test. Two binaries (Bazel targets) may define
 * the same `TEST(Basic, Works)`: their files or report paths tell them apart.
 */
export const googletest: Dialect = {
  name: 'googletest',
  detect: { root: (name, attrs) => name === 'testsuites' && attrs.name === 'AllTests' },
  key: classnameKey,
  results: googletestResults,
  readRepeats: distinctRuns,
};
