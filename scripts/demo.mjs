#!/usr/bin/env node
// `npm run demo`: the reference pipeline (examples/submissions) runs here once it lands.
// Until then it runs the gate that exists, junit-merge | gate-verdict, on the JUnit that
// real runners wrote in fixtures/junit.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 2);

console.error(
  'demo: not yet: the reference pipeline (two services, parallel legs, Postgres and Redis,\n' +
    '      quarantine and one gate) lands with examples/submissions. Meanwhile, the gate\n' +
    '      that exists today on the JUnit real runners wrote in fixtures/junit (they fail\n' +
    '      on purpose, so the gate is red):\n',
);
mkdirSync(join(root, 'reports'), { recursive: true });
const merge = join(root, 'packages/junit-merge/bin.js');
const gate = join(root, 'packages/gate-verdict/bin.js');
const pipeline = spawnSync(
  'bash',
  [
    '-c',
    `node "${merge}" 'fixtures/junit/**/*.xml' | node "${gate}" --summary reports/demo-summary.md --html reports/demo-report.html --json reports/demo-verdict.json`,
  ],
  { cwd: root, stdio: 'inherit' },
);
console.error(
  `\ndemo: gate-verdict exited ${pipeline.status} (0 green, 1 red, 2 unusable input);` +
    ' reports in reports/demo-summary.md, reports/demo-report.html, reports/demo-verdict.json',
);
