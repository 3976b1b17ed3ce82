#!/usr/bin/env node
// `npm run demo`: the reference pipeline (examples/submissions) runs here once it lands.
// Until then it shows the first stage on the fixtures that real runners wrote.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 2);

console.error(
  'demo: not yet: the reference pipeline (two services, parallel legs, Postgres and Redis,\n' +
    '      quarantine and one gate) lands with examples/submissions. Meanwhile, the first\n' +
    '      stage of the chain on the JUnit that real runners wrote in fixtures/junit:\n',
);
const merge = spawnSync(
  process.execPath,
  [join(root, 'packages/junit-merge/bin.js'), 'fixtures/junit/**/*.xml', '--format', 'ndjson'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 << 20 },
);
if (merge.status !== 0) process.exit(merge.status ?? 2);
const legs = merge.stdout
  .trimEnd()
  .split('\n')
  .map((line) => JSON.parse(line))
  .filter((record) => record.type === 'leg');
console.error('\nleg                  status    tests passed failed error skipped flaky');
for (const { name, status, counts: c } of legs) {
  const row = [c.tests, c.passed, c.failed, c.error, c.skipped, c.flaky]
    .map((n) => String(n).padStart(6))
    .join('');
  console.error(`${name.padEnd(20)} ${status.padEnd(9)}${row}`);
}
