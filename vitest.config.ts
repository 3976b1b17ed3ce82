import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
      // The reference app's unit suites, and its worker under restarts of its own servers;
      // its integration and e2e suites run in the demo test.
      'examples/*/test/unit/**/*.test.ts',
      'examples/*/test/resilience/**/*.test.ts',
    ],
    // Keep the suite deterministic: no retries, so a flaky test shows as a failure.
    retry: 0,
    testTimeout: 30_000,
    reporters: process.env.TESTGATE_JUNIT ? ['default', 'junit'] : ['default'],
    outputFile: { junit: process.env.TESTGATE_JUNIT ?? 'reports/vitest.xml' },
  },
});
