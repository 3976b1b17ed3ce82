import type { ParsedCase, ParsedResult } from '../model.js';
import { type Dialect, distinctRuns, isFailing } from './dialect.js';

/**
 * CTest's outcomes are in `status`: `disabled` has no element; `notrun` comes with a
 * `<skipped>` whose message says why, and only a skip (`SKIP_RETURN_CODE=…`,
 * `SKIP_REGULAR_EXPRESSION_MATCHED`) is one: a test that could not start ("Unable to find
 * executable", a failed fixture) fails the ctest run, so it is an error here too.
 */
function ctestResults(
  testcase: ParsedCase,
  attrs: Readonly<Record<string, string>>,
): ParsedResult[] {
  const { results } = testcase;
  switch (attrs.status) {
    case 'disabled':
      return results.length === 0 ? [{ kind: 'skipped', message: 'disabled' }] : results;
    case 'notrun': {
      const skip = results.find((r) => r.kind === 'skipped');
      if (skip?.message?.startsWith('SKIP_')) return results;
      return [{ kind: 'error', message: `not run: ${skip?.message ?? 'ctest could not run it'}` }];
    }
    case 'fail':
      return results.some(isFailing)
        ? results
        : [...results, { kind: 'failure', message: 'failed' }];
    default:
      return results;
  }
}

/**
 * CTest `--output-junit`: a bare `<testsuite>` with `disabled` and `hostname`, one testcase
 * per test whose classname repeats its name.
 */
export const ctest: Dialect = {
  name: 'ctest',
  detect: {
    root: (name, attrs) =>
      name === 'testsuite' && attrs.disabled !== undefined && attrs.hostname !== undefined,
  },
  key: (testcase) => ['', testcase.name],
  results: ctestResults,
  readRepeats: distinctRuns,
};
