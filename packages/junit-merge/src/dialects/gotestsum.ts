import type { ParsedCase } from '../model.js';
import { type Dialect, retriedOnFailure } from './dialect.js';

/** A Go test's scope: its package's import path, the suite's name. */
export function packageKey(testcase: ParsedCase): [string, string] {
  const suite = testcase.suites[testcase.suites.length - 1];
  return [suite !== undefined && suite !== '' ? suite : testcase.classname, testcase.name];
}

/**
 * gotestsum `--junitfile`: a suite per package with a `timestamp` and the `go.version`
 * property, classname the package's import path. `--rerun-fails` writes every attempt as
 * a repeated testcase, a rerun only after a failure: failures then the final result are
 * attempts. Other repeats (`-count=N`) are separate runs.
 */
export const gotestsum: Dialect = {
  name: 'gotestsum',
  detect: {
    property: (name, _value, { suite }) => name === 'go.version' && suite?.timestamp !== undefined,
  },
  key: packageKey,
  readRepeats: retriedOnFailure,
};
