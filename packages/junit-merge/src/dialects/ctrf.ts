import type { ParsedCase } from '../model.js';
import { type Dialect, distinctRuns } from './dialect.js';

/**
 * A CTRF JSON report (ctrf.io), read by `ctrf-report.ts` rather than the XML parser: it is
 * detected by content (a JSON object where XML would start). A test's id is its suite path
 * and name (`outcomes.test.cjs > outer::nested passes`), else its file and name. CTRF keeps
 * a test's retries inside its test object (`retryAttempts`, or a legacy `retries` count),
 * so two test objects with the same id are two runs, never attempts.
 */
export const ctrf: Dialect = {
  name: 'ctrf',
  detect: {},
  key: (testcase: ParsedCase) => [
    testcase.suites.join(' > ') || (testcase.file ?? ''),
    testcase.name,
  ],
  readRepeats: distinctRuns,
};
