import { type Dialect, distinctRuns } from './dialect.js';

/**
 * Playwright's junit reporter: a root `<testsuites id="…">`, one suite per (project, file)
 * whose `hostname` is the project. The same spec runs once per project, so the project is
 * part of the id. Retries are nested (`includeRetries`: Surefire's flaky elements) or left
 * out; repeated testcases are separate runs.
 */
export const playwright: Dialect = {
  name: 'playwright',
  detect: {
    suite: (attrs, { root }) => root !== undefined && 'id' in root && attrs.hostname !== undefined,
  },
  key: (testcase) => [
    testcase.project ? `[${testcase.project}] ${testcase.classname}` : testcase.classname,
    testcase.name,
  ],
  readRepeats: distinctRuns,
};
