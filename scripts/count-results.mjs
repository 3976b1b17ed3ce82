#!/usr/bin/env node
// Prints the plain closing line `N passed, N failed, N skipped` for the JUnit reports
// given, read through the workspace's own junit-merge.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const merge = spawnSync(
  process.execPath,
  [join(root, 'packages/junit-merge/bin.js'), ...process.argv.slice(2), '-q'],
  {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const counts = { passed: 0, failed: 0, skipped: 0 };
if (merge.status === 0) {
  for (const line of merge.stdout.trimEnd().split('\n')) {
    const record = JSON.parse(line);
    if (record.type !== 'leg') continue;
    counts.passed += record.counts.passed + record.counts.flaky;
    counts.failed += record.counts.failed + record.counts.error;
    counts.skipped += record.counts.skipped;
  }
} else {
  counts.failed = 1;
}
console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
