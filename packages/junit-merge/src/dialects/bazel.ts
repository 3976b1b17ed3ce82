import { type Dialect, classnameKey, distinctRuns } from './dialect.js';

/**
 * The `test.xml` Bazel writes for a target whose runner wrote none: a suite named after
 * the target (`//pkg:target`), the target as one testcase, outcomes in `status` and its
 * result elements. `--flaky_test_attempts` keeps each earlier attempt as
 * `test.attempts/attempt_N.xml` beside it (see rerun-layout).
 */
export const bazel: Dialect = {
  name: 'bazel',
  detect: { suite: (attrs) => attrs.name?.startsWith('//') === true && attrs.name.includes(':') },
  key: classnameKey,
  readRepeats: distinctRuns,
};
