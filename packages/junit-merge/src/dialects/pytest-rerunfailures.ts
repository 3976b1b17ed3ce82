import type { ParsedCase } from '../model.js';
import type { RepeatReading } from './dialect.js';
import { isFailing } from './dialect.js';

/**
 * pytest's rerun plugins write one testcase per attempt into the report: pytest-rerunfailures
 * 16.x and box/flaky write the earlier attempts empty (an always-failing test reads as
 * passes then a failure), older versions their failures. A rerun follows only a failure,
 * so every attempt before the last failed: an empty one is read as failed, and the test is
 * flaky when the last passed, failed in every attempt when it did not.
 */
export function readPytestReruns(cases: readonly ParsedCase[]): RepeatReading {
  const earlier = cases.slice(0, -1).map((c): ParsedCase =>
    c.results.some(isFailing)
      ? c
      : {
          ...c,
          results: [
            ...c.results,
            {
              kind: 'failure',
              message:
                'failed and was rerun (the rerun plugin wrote this attempt without its failure)',
            },
          ],
        },
  );
  return { as: 'attempts', cases: [...earlier, cases[cases.length - 1]!] };
}
