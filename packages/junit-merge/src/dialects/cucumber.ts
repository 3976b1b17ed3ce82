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
    // Asked of every testcase of a report no dialect has claimed: the first letter first.
    testcase: (attrs) => attrs.name?.charCodeAt(0) === 69 /* E */ && OUTLINE_ROW.test(attrs.name),
  },
  key: classnameKey,
  readRepeats: distinctRuns,
};
