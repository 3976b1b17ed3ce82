import { type Dialect, classnameKey, distinctRuns } from './dialect.js';
import type { ParsedCase } from '../model.js';

/** The target alone when the testcase is the target, else as any classname-keyed test. */
function targetKey(testcase: ParsedCase): [string, string] {
  const suite = testcase.suites[testcase.suites.length - 1];
  return testcase.classname === '' && suite === testcase.name
    ? ['', testcase.name]
    : classnameKey(testcase);
}

/**
 * The `test.xml` Bazel writes for a target whose runner wrote none: a suite named after
 * the target (`//pkg:target`), the target as one testcase, outcomes in `status` and its
 * result elements. `--flaky_test_attempts` keeps each earlier attempt as
 * `test.attempts/attempt_N.xml` beside it (see rerun-layout).
 */
export const bazel: Dialect = {
  name: 'bazel',
  detect: { suite: (attrs) => attrs.name?.startsWith('//') === true && attrs.name.includes(':') },
  key: targetKey,
  readRepeats: distinctRuns,
};
