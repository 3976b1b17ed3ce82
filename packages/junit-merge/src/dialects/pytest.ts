import type { ParsedCase } from '../model.js';
import { type Dialect, classnameKey } from './dialect.js';
import { readPytestReruns } from './pytest-rerunfailures.js';

/** pytest writes an error in a fixture's teardown as a second testcase of the same test. */
function isTeardownPiece(testcase: ParsedCase): boolean {
  return (
    testcase.results.length > 0 &&
    testcase.results.every(
      (r) => r.kind === 'error' && r.message?.startsWith('failed on teardown') === true,
    )
  );
}

/**
 * pytest `--junitxml`, both families: `<testsuite name="pytest">`, classname the dotted
 * module path (and class). Core pytest never repeats a test but for a teardown error; any
 * other repeat is a rerun plugin's attempts.
 */
export const pytest: Dialect = {
  name: 'pytest',
  detect: {
    suite: (attrs) => attrs.name === 'pytest',
    root: (name, attrs) => name === 'testsuites' && attrs.name === 'pytest tests',
  },
  key: classnameKey,
  readRepeats: (cases) =>
    cases.slice(1).every(isTeardownPiece) ? { as: 'one-run' } : readPytestReruns(cases),
};
