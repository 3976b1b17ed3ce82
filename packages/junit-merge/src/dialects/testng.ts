import type { ParsedCase } from '../model.js';
import { type Dialect, type RepeatReading, classnameKey } from './dialect.js';

function skippedOnly(testcase: ParsedCase): boolean {
  return testcase.results.length > 0 && testcase.results.every((r) => r.kind === 'skipped');
}

/**
 * TestNG's retry analyzer writes each retried attempt as `<skipped/>` and then the next
 * attempt: a skip followed by a run of the same method is a failure that was retried
 * (read as a failed attempt, so a pass after it is flaky and a failure fails in every
 * attempt). Any other repeat (data providers, `invocationCount`: the plain method name
 * again) is a separate run.
 */
export function readTestngRetries(cases: readonly ParsedCase[]): RepeatReading {
  const earlier = cases.slice(0, -1);
  const last = cases[cases.length - 1]!;
  if (!earlier.every(skippedOnly) || skippedOnly(last)) return { as: 'distinct' };
  return {
    as: 'attempts',
    cases: [
      ...earlier.map((c): ParsedCase => ({
        ...c,
        results: [
          {
            kind: 'failure',
            message: `failed and was retried (TestNG writes a retried attempt as skipped${c.results[0]?.message ? `: ${c.results[0].message}` : ''})`,
          },
        ],
      })),
      last,
    ],
  };
}

/**
 * TestNG's own JUnit reports (`junitreports/TEST-<class>.xml`, written by its
 * JUnitReportReporter): one suite per class, classname the class, name the method.
 */
export const testng: Dialect = {
  name: 'testng',
  detect: {
    root: (name, _attrs, { report }) => name === 'testsuite' && report.includes('junitreports/'),
  },
  key: classnameKey,
  readRepeats: readTestngRetries,
};
