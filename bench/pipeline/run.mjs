#!/usr/bin/env node
// `npm run bench:pipeline`: the demo's legs run one after another (--serial) and in
// parallel (bounded by the CPU count), both as children of this process, on the same
// Node lines. Prints the serial/parallel wall-time ratio, and the parallel wall time
// against its longest leg (target: within 15%).
// Usage: node bench/pipeline/run.mjs [--node 22,24,26] [--rounds 1]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, option } from '../measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const nodes = option('--node', '22,24,26');
const rounds = Number(option('--rounds', '1'));
const out = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));

function demo(mode, round) {
  const reports = join(out, `${mode}-${round}`);
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'scripts/demo.mjs'),
      '--node',
      nodes,
      '--out',
      reports,
      '--history',
      join(out, 'history'),
      ...(mode === 'serial' ? ['--serial'] : []),
    ],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  if (r.status !== 0)
    throw new Error(`demo (${mode}) exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(readFileSync(join(reports, 'timing.json'), 'utf8'));
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
try {
  const results = { serial: [], parallel: [] };
  for (let round = 1; round <= rounds; round++)
    for (const mode of ['serial', 'parallel']) results[mode].push(demo(mode, round));
  const serial = median(results.serial.map((t) => t.wallMs));
  const parallel = median(results.parallel.map((t) => t.wallMs));
  const longest = median(results.parallel.map((t) => Math.max(...t.legs.map((l) => l.ms))));
  const legs = results.parallel[0].legs;
  console.log(
    `pipeline: ${legs.length} legs (Node ${nodes}), ${availableParallelism()} CPUs, median of ${rounds} round(s)`,
  );
  for (const leg of legs) console.log(`  ${leg.name.padEnd(22)} ${s(leg.ms).padStart(8)}`);
  console.log(`serial   ${s(serial).padStart(8)}`);
  console.log(
    `parallel ${s(parallel).padStart(8)}  (${(serial / parallel).toFixed(2)}x faster than serial)`,
  );
  console.log(
    `parallel against its longest leg (${s(longest)}): ${((parallel / longest - 1) * 100).toFixed(0)}% over (target: within 15%)`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
