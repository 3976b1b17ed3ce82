import { type Dialect, distinctRuns } from './dialect.js';

/**
 * jest-junit: root `<testsuites name="jest tests">`. By default it writes
 * "{classname} {title}" into both attributes (with a leading space at the top level) and
 * names the suite "undefined" under jest 30. A suite that failed to load is written twice.
 */
export const jest: Dialect = {
  name: 'jest',
  detect: { root: (name, attrs) => name === 'testsuites' && attrs.name === 'jest tests' },
  key: (testcase) => {
    const { classname, file, suites, name } = testcase;
    const trimmed = name.trim();
    if (classname.trim() !== trimmed && classname !== '') return [classname.trim(), trimmed];
    const suite = suites[suites.length - 1];
    return [file ?? (suite && suite !== 'undefined' ? suite : ''), trimmed];
  },
  readRepeats: (cases) =>
    cases[0]!.classname === 'Test suite failed to run' ? { as: 'one-run' } : distinctRuns(),
};
