import { type Dialect, classnameKey, distinctRuns } from './dialect.js';

const OUTLINE_ROW = /^Example #\d+(\.\d+)*$/;

/**
 * Cucumber's JUnit platform engine: one suite per feature; every row of a scenario
 * outline is written with the same names (`Examples`, `Example #1.1`): separate runs, and
 * a failing row blocks.
 */
export const cucumber: Dialect = {
  name: 'cucumber',
  detect: {
    // Asked of every testcase of a report no dialect has claimed: its first letter first.
    testcase: ({ name }) =>
      name !== undefined && name.length > 9 && name.charCodeAt(0) === 69 && OUTLINE_ROW.test(name),
  },
  key: classnameKey,
  readRepeats: distinctRuns,
};
