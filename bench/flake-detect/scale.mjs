#!/usr/bin/env node
// `node bench/flake-detect/scale.mjs`: one run of a suite classified against histories of
// more and more earlier runs, the per-test state (a folder store after its compaction, and
// a throwaway Postgres the history was imported into) beside the same history as entries
// only (a folder an earlier version wrote, read whole): wall time and peak RSS of
// `flake-detect --history DIR|URL run.jsonl`, the median of --repeat runs, and the store's
// size on disk. Postgres is left out, with a note, where its binaries are missing.
// Usage: node bench/flake-detect/scale.mjs [--sizes 3000x100,3000x400,3000x1600,30000x100]
//        [--repeat 3]
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingServices, postgresBinaries, startPostgres } from '../../scripts/services.mjs';
import { measure, median, option } from '../measure.mjs';
import { random } from './simulate.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const flakeDetect = join(root, 'packages/flake-detect/bin.js');
const { FileStore } = await import(join(root, 'packages/flake-detect/dist/index.js'));

const sizes = option('--sizes', '3000x100,3000x400,3000x1600,30000x100')
  .split(',')
  .map((s) => s.split('x').map(Number));
const repeat = Number(option('--repeat', 3));
const LEGS = 4;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);

/**
 * A history of `runs` runs of `tests` tests in four legs, spread over the 30-day window:
 * a commit per run, one in ten rerun; 2% of the tests flaky (failing 5% of runs), a few
 * broken for a stretch; failures with a signature.
 */
function* history(tests, runs) {
  const rand = random(tests * 7 + runs);
  const step = (30 * DAY) / (runs + 1);
  const flaky = new Set(
    Array.from({ length: Math.round(tests * 0.02) }, () => Math.floor(rand() * tests)),
  );
  let commit = 0;
  for (let i = 0; i < runs; i++) {
    const rerun = i > 0 && rand() < 0.1;
    if (!rerun) commit++;
    const time = new Date(NOW - 30 * DAY + (i + 1) * step).toISOString();
    const run = rerun ? `run-${i - 1}` : `run-${i}`;
    const attempt = rerun ? 2 : 1;
    const lines = [];
    for (let t = 0; t < tests; t++) {
      const broken = t % 997 === 3 && i % 200 > 190;
      const failed = broken || (flaky.has(t) && rand() < 0.05);
      lines.push(
        JSON.stringify({
          id: `com.acme.Suite${t % 50}::test ${t}`,
          leg: `leg${t % LEGS}`,
          commit: `c${commit}`,
          branch: 'main',
          run,
          attempt,
          outcome: failed ? 'failed' : 'passed',
          ...(failed && { signatures: ['sig1:0a1b2c3d4e5f'] }),
          duration: 0.01,
          time,
        }),
      );
    }
    yield `${lines.join('\n')}\n`;
  }
}

/** The run being classified, as junit-merge writes it: every test, a few failing. */
function writeStream(file, tests) {
  const fd = openSync(file, 'w');
  const startedAt = new Date(NOW + 3_600_000).toISOString();
  writeSync(
    fd,
    `${JSON.stringify({ type: 'run', version: 1, tool: 'junit-merge', commit: 'head', branch: 'main', runId: 'now', attempt: 1, startedAt })}\n`,
  );
  for (let l = 0; l < LEGS; l++) {
    const n = Math.ceil((tests - l) / LEGS);
    writeSync(
      fd,
      `${JSON.stringify({ type: 'leg', name: `leg${l}`, status: 'reported', files: [], counts: { tests: n, passed: n, failed: 0, error: 0, skipped: 0, flaky: 0 } })}\n`,
    );
  }
  let records = 1 + LEGS;
  for (let t = 0; t < tests; t++) {
    const id = `com.acme.Suite${t % 50}::test ${t}`;
    writeSync(
      fd,
      `${JSON.stringify({ type: 'test', id, leg: `leg${t % LEGS}`, name: `test ${t}`, classname: `com.acme.Suite${t % 50}`, attempts: [{ outcome: 'passed', duration: 0.01 }], outcome: 'passed' })}\n`,
    );
    records++;
  }
  writeSync(fd, `${JSON.stringify({ type: 'end', tool: 'junit-merge', records })}\n`);
  closeSync(fd);
}

function sizeOf(dir) {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function run(args) {
  const result = spawnSync(process.execPath, [flakeDetect, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`flake-detect ${args.join(' ')}: ${result.stderr}`);
}

function psql(url, command) {
  const result = spawnSync(join(postgresBinaries(), 'psql'), [url, '-tAc', command], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`psql: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * The testgate tables' size in a database, indexes and TOAST included: as recording left
 * them (a run rewrites its tests' rows, and the old versions wait for autovacuum, which
 * a history imported in a minute gives no time), and what the live rows take.
 */
function tablesSize(url) {
  const query = `SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'testgate%'`;
  const recorded = Number(psql(url, query));
  psql(url, 'VACUUM FULL');
  return { recorded, live: Number(psql(url, query)) };
}

const missing = missingServices({ redis: false });
if (missing) console.error(`no Postgres rows: its binaries are missing (${missing})`);
const postgres = missing ? undefined : await startPostgres();
// Import keeps what is in the window up to today: the history's whole month, whenever this runs.
const importWindow = `${Math.ceil((Date.now() - (NOW - 30 * DAY)) / DAY) + 1}d`;

const work = mkdtempSync(join(tmpdir(), 'flake-scale-'));
const rows = [];
try {
  // Every store of every size first, then the runs in rounds, each store once a round: a
  // slow spell of the machine falls on all of them alike.
  const cases = [];
  for (const [tests, runs] of sizes) {
    const entries = join(work, `entries-${tests}x${runs}`);
    const state = join(work, `state-${tests}x${runs}`);
    mkdirSync(entries);
    mkdirSync(state);
    // The same history twice: as one segment of entries, and folded into the state.
    for (const dir of [entries, state]) {
      const fd = openSync(join(dir, '2026-11-01T000000000Z-000000000000.jsonl'), 'w');
      for (const chunk of history(tests, runs)) writeSync(fd, chunk);
      closeSync(fd);
    }
    await new FileStore(state).prune(new Date(NOW - 30 * DAY).toISOString());
    const stream = join(work, `run-${tests}.jsonl`);
    writeStream(stream, tests);
    const of = (store, location, size) => ({ tests, runs, store, location, size, stream });
    cases.push(of('state (folder)', state, () => sizeOf(state)));
    if (postgres) {
      const url = postgres.createDatabase(`scale_${tests}_${runs}`);
      const started = Date.now();
      const file = join(entries, readdirSync(entries)[0]);
      run(['history', '--import', file, '--history', url, '--window', importWindow]);
      console.error(
        `${tests} tests x ${runs} runs imported into Postgres in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      cases.push(of('state (Postgres)', url, () => tablesSize(url)));
    }
    cases.push(of('entries only (folder)', entries, () => sizeOf(entries)));
  }
  for (const c of cases) Object.assign(c, { times: [], peaks: [] });
  for (let r = 0; r < repeat; r++)
    for (const c of cases) {
      const m = await measure([flakeDetect, '--history', c.location, c.stream], {
        stdout: '/dev/null',
      });
      c.times.push(m.seconds);
      c.peaks.push(m.peakMb);
      console.error(
        `round ${r + 1}: ${c.tests} tests x ${c.runs} runs, ${c.store}: ${m.seconds.toFixed(2)} s, ${m.peakMb.toFixed(0)} MB`,
      );
    }
  for (const c of cases)
    rows.push({ ...c, seconds: median(c.times), peakMb: median(c.peaks), bytes: c.size() });
} finally {
  rmSync(work, { recursive: true, force: true });
  postgres?.stop();
}

const mb = (bytes) =>
  typeof bytes === 'number'
    ? `${(bytes / 1e6).toFixed(1)} MB`
    : `${(bytes.recorded / 1e6).toFixed(1)} MB (${(bytes.live / 1e6).toFixed(1)} MB live)`;
console.log(
  '| tests × runs | store | time | peak RSS | on disk | time vs entries | RSS vs entries |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const anchor = rows.find(
    (r) => r.tests === row.tests && r.runs === row.runs && r.store.startsWith('entries'),
  );
  console.log(
    `| ${row.tests.toLocaleString('en')} × ${row.runs.toLocaleString('en')} | ${row.store} | ${row.seconds.toFixed(2)} s | ${row.peakMb.toFixed(0)} MB | ${mb(row.bytes)} | ${(row.seconds / anchor.seconds).toFixed(2)}x | ${(row.peakMb / anchor.peakMb).toFixed(2)}x |`,
  );
}
console.log();
for (const store of ['state (folder)', 'state (Postgres)']) {
  const state = rows.filter((r) => r.store === store && r.tests === 3000);
  const least = state.find((r) => r.runs === 100);
  const most = state.find((r) => r.runs === 1600);
  if (!least || !most) continue;
  // Round by round: the two runs of a round were taken minutes apart at most.
  const byRound = (key) => median(most[key].map((v, i) => v / least[key][i]));
  console.log(
    `${store}, 3,000 tests, 100 → 1,600 runs: time ${(most.seconds / least.seconds).toFixed(2)}x, peak RSS ${(most.peakMb / least.peakMb).toFixed(2)}x of the medians; ${byRound('times').toFixed(2)}x and ${byRound('peaks').toFixed(2)}x round by round (target: at most 1.5x each)`,
  );
}
