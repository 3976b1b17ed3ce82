import { type Dialect, classnameKey, distinctRuns } from './dialect.js';

/**
 * vitest's junit reporter: root `<testsuites name="vitest tests">`, one suite per file,
 * classname the file path, name the describe titles joined by ` > `. Retries are not
 * written (only the final result).
 */
export const vitest: Dialect = {
  name: 'vitest',
  detect: { root: (name, attrs) => name === 'testsuites' && attrs.name === 'vitest tests' },
  key: classnameKey,
  readRepeats: distinctRuns,
};
