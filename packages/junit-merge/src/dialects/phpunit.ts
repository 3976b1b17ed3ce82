import { type Dialect, classnameKey, distinctRuns } from './dialect.js';

/**
 * PHPUnit: suites nested three levels deep, testcases with `class`, `classname`, `file`,
 * `line` and `assertions`; `.phpt` tests have no classname (their file is the scope).
 */
export const phpunit: Dialect = {
  name: 'phpunit',
  detect: { testcase: (attrs) => attrs.assertions !== undefined },
  key: classnameKey,
  readRepeats: distinctRuns,
};
