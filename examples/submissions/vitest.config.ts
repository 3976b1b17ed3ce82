import { defineConfig } from 'vitest/config';

// One project per leg of the pipeline: `vitest run --project unit-api` and so on. Each
// leg writes JUnit where TESTGATE_JUNIT says, for the gate.
export default defineConfig({
  test: {
    retry: 0,
    testTimeout: 20_000,
    reporters: process.env.TESTGATE_JUNIT ? ['default', 'junit'] : ['default'],
    outputFile: { junit: process.env.TESTGATE_JUNIT ?? 'junit.xml' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-api',
          include: ['test/unit/api*.test.ts', 'test/unit/validate*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-worker',
          include: ['test/unit/worker*.test.ts', 'test/unit/grade*.test.ts'],
        },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'resilience', include: ['test/resilience/**/*.test.ts'] } },
    ],
  },
});
