import { type Dialect, classnameKey } from './dialect.js';
import { readTestngRetries } from './testng.js';

/**
 * Maven Surefire and Failsafe: one `<testsuite>` per class (`TEST-*.xml`) with the
 * report schema's location and the JVM's properties. Retries
 * (`rerunFailingTestsCount`) are nested in the one testcase (`flakyFailure`,
 * `rerunFailure`, …), never repeated testcases; under TestNG a retry analyzer's skipped
 * attempts are read as TestNG writes them.
 */
export const surefire: Dialect = {
  name: 'surefire',
  detect: {
    suite: (attrs) => attrs['xsi:noNamespaceSchemaLocation']?.includes('surefire') === true,
    property: (name) => name.startsWith('surefire.'),
  },
  key: classnameKey,
  readRepeats: readTestngRetries,
};
