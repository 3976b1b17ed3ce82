#!/usr/bin/env node
// `npm run bench:shard-plan`: how even shard-plan's shards come out on a seeded suite,
// against hash slicing (a runner's `--shard` by a hash of the path) and file-count slicing
// (the sorted files cut into equal counts). A suite of a few hundred files with
// heavy-tailed durations (files of a folder alike) runs --history times, each run 15% off the true time per file;
// the plan is made from those runs, then measured on the next run, to which 10% new files
// were added (no timing: the planner estimates them). The figure is max/mean shard time
// of that next run, the median over --seeds suites; the floor, max(longest file, total/N)
// over the mean, is what no plan can beat.
// Usage: node bench/shard-plan/run.mjs [--files 300] [--history 10] [--seeds 25]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, option } from '../measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { medianTimings, planShards } = await import(join(root, 'packages/shard-plan/dist/index.js'));

const FILES = Number(option('--files', '300'));
const HISTORY = Number(option('--history', '10'));
const SEEDS = Number(option('--seeds', '25'));
const NOISE = Number(option('--noise', '0.15'));
const NEW_SHARE = Number(option('--new', '0.1'));
const SHARDS = [2, 4, 8, 16];
const TARGETS = { 4: 1.05, 8: 1.1 };

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const FOLDERS = 12;

/**
 * A suite: files in folders, durations log-normal with a long tail of slow files. Files of
 * one folder are alike (a folder of integration tests is slow, one of unit tests fast), so
 * a folder's median says something about a new file in it, as in real suites.
 */
function suite(random, count, folderScale, prefix = '') {
  return Array.from({ length: count }, (_, n) => ({
    file: `src/m${n % FOLDERS}/${prefix}f${n}.test.ts`,
    seconds: 4 * folderScale[n % FOLDERS] * Math.exp(0.7 * gauss(random)),
  }));
}

function gauss(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const noisy = (random, seconds) => seconds * Math.max(0.05, 1 + NOISE * (2 * random() - 1) * 1.73);

function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const imbalance = (loads) => Math.max(...loads) / (loads.reduce((a, b) => a + b, 0) / loads.length);

function loadsOf(assign, files, actual, shards) {
  const loads = new Array(shards).fill(0);
  files.forEach((f, n) => (loads[assign(f, n)] += actual.get(f.file)));
  return loads;
}

const rows = Object.fromEntries(
  SHARDS.map((n) => [n, { plan: [], hash: [], count: [], floor: [] }]),
);
for (let seed = 1; seed <= SEEDS; seed++) {
  const random = rng(seed * 7919);
  const folderScale = Array.from({ length: FOLDERS }, () => Math.exp(0.9 * gauss(random)));
  const known = suite(random, FILES, folderScale);
  const added = suite(random, Math.round(FILES * NEW_SHARE), folderScale, 'new-');
  const history = Array.from({ length: HISTORY }, (_, n) => ({
    time: `2026-01-${String(n + 1).padStart(2, '0')}`,
    branch: 'main',
    tests: known.map((f) => ({ places: [f.file], name: 'all', seconds: noisy(random, f.seconds) })),
  }));
  const next = [...known, ...added];
  const actual = new Map(next.map((f) => [f.file, noisy(random, f.seconds)]));
  const listed = next.map((f) => ({ file: f.file }));
  const timings = medianTimings(
    history,
    listed.map((t) => t.file),
    { branch: 'main', last: 10 },
  );
  const sorted = [...next].sort((a, b) => (a.file < b.file ? -1 : 1));
  for (const shards of SHARDS) {
    const plan = planShards(listed, timings, { runner: 'files', name: 's', shards });
    const shardOf = new Map(plan.shards.flatMap((s, n) => s.args.map((file) => [file, n])));
    const row = rows[shards];
    row.plan.push(imbalance(loadsOf((f) => shardOf.get(f.file), next, actual, shards)));
    row.hash.push(imbalance(loadsOf((f) => fnv(f.file) % shards, next, actual, shards)));
    const per = Math.ceil(sorted.length / shards);
    const countOf = new Map(sorted.map((f, n) => [f.file, Math.floor(n / per)]));
    row.count.push(imbalance(loadsOf((f) => countOf.get(f.file), next, actual, shards)));
    const total = [...actual.values()].reduce((a, b) => a + b, 0);
    row.floor.push(Math.max(Math.max(...actual.values()), total / shards) / (total / shards));
  }
}

console.log(
  `${FILES} files (+${Math.round(FILES * NEW_SHARE)} new) in ${FOLDERS} folders, log-normal durations, ${NOISE * 100}% noise, planned from ${HISTORY} runs, measured on the next; medians of ${SEEDS} seeds`,
);
console.log('shards   shard-plan   hash slicing   file-count slicing   floor   target');
let met = true;
for (const shards of SHARDS) {
  const r = rows[shards];
  const ours = median(r.plan);
  const target = TARGETS[shards];
  if (target !== undefined && ours > target) met = false;
  console.log(
    `${String(shards).padStart(6)}   ${ours.toFixed(3).padStart(10)}   ${median(r.hash).toFixed(3).padStart(12)}   ${median(r.count).toFixed(3).padStart(18)}   ${median(r.floor).toFixed(3).padStart(5)}   ${target === undefined ? '' : `<= ${target.toFixed(2)} ${ours <= target ? 'met' : 'NOT met'}`}`,
  );
}
console.log('(max/mean shard time of the next run: 1.000 is perfectly even)');
process.exitCode = met ? 0 : 1;
