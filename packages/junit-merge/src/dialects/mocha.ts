import { type Dialect, distinctRuns } from './dialect.js';

/**
 * mocha-junit-reporter (Cypress too): root `<testsuites name="Mocha Tests">`, the spec's
 * path as `file` on the first suite ("Root Suite"), for every test of the report. The name is the full title and classname the bare
 * one, so the id is the name; two specs with the same titles differ by their file.
 */
export const mocha: Dialect = {
  name: 'mocha',
  detect: { root: (name, attrs) => name === 'testsuites' && attrs.name === 'Mocha Tests' },
  key: (testcase) => ['', testcase.name],
  fileOnFirstSuite: true,
  readRepeats: distinctRuns,
};
