import { type Dialect, classnameKey, distinctRuns } from './dialect.js';

/**
 * cargo-nextest: root `<testsuites name="nextest-run">`, a suite per test binary,
 * classname `binary::module`. Retries are nested in the testcase (`flakyFailure`,
 * `rerunFailure`); repeated testcases are separate runs.
 */
export const nextest: Dialect = {
  name: 'nextest',
  detect: { root: (name, attrs) => name === 'testsuites' && attrs.name === 'nextest-run' },
  key: classnameKey,
  readRepeats: distinctRuns,
};
