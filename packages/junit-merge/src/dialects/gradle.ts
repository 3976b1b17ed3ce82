import { type Dialect, classnameKey, retriedOnFailure } from './dialect.js';

/**
 * Gradle's test task: `build/test-results/<task>/TEST-<class>.xml`, a bare `<testsuite>`
 * with `hostname` and `timestamp`. The test-retry plugin (without `mergeReruns`) writes
 * each execution as its own testcase: failures, then the final result, are attempts.
 * Detected by where Gradle writes its reports: keep `build/test-results/` in the uploaded
 * path (otherwise repeats are separate runs, and a failure among them blocks).
 */
export const gradle: Dialect = {
  name: 'gradle',
  detect: {
    root: (name, attrs, { report }) =>
      name === 'testsuite' &&
      report.includes('/test-results/') &&
      attrs.hostname !== undefined &&
      attrs.timestamp !== undefined,
  },
  key: classnameKey,
  readRepeats: retriedOnFailure,
};
