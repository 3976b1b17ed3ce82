#!/usr/bin/env node
// `npm run bench:flake-detect`: a seeded CI history (simulate.mjs) played run by run
// through the real chain, `junit-merge` then `flake-detect --record` (with the merged
// stream in a file between them, so that each stage is timed on its own), and the
// verdicts scored against the truth: recall per flake-rate bucket after 50, 100 and 300
// runs, precision, runs to detection, broken tests called flaky, stable tests called
// flaky under outages, throughput and peak RSS. Two baselines, scored on the same runs:
// "flaky if it passed on retry" and a failure-rate threshold over the window.
// Usage: node bench/flake-detect/run.mjs [--tests 3000] [--runs 300] [--seed 42]
//        [--scenarios on,half,off,twins]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median, option } from '../measure.mjs';
import { DEFAULTS, makeTests, runs, twinOf } from './simulate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const junitMerge = join(root, 'packages/junit-merge/bin.js');
const flakeDetect = join(root, 'packages/flake-detect/bin.js');

const base = {
  ...DEFAULTS,
  tests: Number(option('--tests', DEFAULTS.tests)),
  runs: Number(option('--runs', DEFAULTS.runs)),
  seed: Number(option('--seed', DEFAULTS.seed)),
};
const SCENARIOS = {
  on: { label: 'retries on', retryShare: 1 },
  half: { label: 'retries in half the runs', retryShare: 0.5 },
  off: { label: 'retries off', retryShare: 0 },
  twins: {
    label: 'retries off, every test also in a leg that differs only by shard',
    retryShare: 0,
    twins: true,
  },
};
const scenarios = option('--scenarios', 'on,half,twins').split(',');
const CHECKPOINTS = [50, 100, 300].filter((c) => c <= base.runs);
const BUCKETS = [
  { name: '0.2-1%', min: 0, max: 0.01 },
  { name: '1-5%', min: 0.01, max: 0.05 },
  { name: '5-30%', min: 0.05, max: 1 },
];
const FLAGGED = new Set(['flaky', 'suspect']);
// The failure-rate baseline: flaky when at least 2% of its runs in the window failed
// (any attempt), and at least two of them.
const THRESHOLD = { share: 0.02, min: 2 };

const CLASS = (leg) => `com.acme.${leg[0].toUpperCase()}${leg.slice(1)}Test`;
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** One Surefire report per leg, retries as Surefire writes them (flakyFailure, rerunFailure). */
function writeReports(dir, run) {
  const byLeg = new Map();
  const results = [
    ...[...run.results].map(([test, attempts]) => [test, test.leg, attempts]),
    ...[...run.twinResults].map(([test, attempts]) => [test, twinOf(test.leg), attempts]),
  ];
  for (const [test, leg, attempts] of results) {
    const cases = byLeg.get(leg) ?? [];
    byLeg.set(leg, cases);
    const open = `<testcase name="${test.name}" classname="${CLASS(test.leg)}" time="0.010"`;
    const passed = attempts.at(-1) === 'passed';
    if (attempts.length === 1 && passed) cases.push(`${open}/>`);
    else if (passed)
      cases.push(
        `${open}>${attempts
          .slice(0, -1)
          .map(() => `<flakyFailure message="${escape('timed out')}" type="AssertionError"/>`)
          .join('')}</testcase>`,
      );
    else
      cases.push(
        `${open}><failure message="expected 200" type="AssertionError"/>${attempts
          .slice(1)
          .map(() => '<rerunFailure message="expected 200" type="AssertionError"/>')
          .join('')}</testcase>`,
      );
  }
  for (const [leg, cases] of byLeg) {
    mkdirSync(join(dir, leg), { recursive: true });
    writeFileSync(
      join(dir, leg, `TEST-${CLASS(leg)}.xml`),
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" name="${CLASS(leg)}" tests="${cases.length}">\n${cases.join('\n')}\n</testsuite>\n`,
    );
  }
}

const bucketOf = (t) => BUCKETS.find((b) => t.rate >= b.min && t.rate < b.max);

/** Scores one detector's flags over the runs: call `observe` after each run. */
function scorer(name, tests) {
  const state = new Map(tests.map((t) => [t, { first: undefined }]));
  const score = {
    name,
    checkpoints: {},
    brokenWhileBroken: new Set(),
    brokenAfterFix: new Set(),
    stableUnderOutage: new Set(),
  };
  score.observe = (run, flagged) => {
    for (const t of tests) {
      const isFlagged = flagged(t);
      const s = state.get(t);
      if (!isFlagged) continue;
      if (t.kind === 'flaky') s.first ??= run.index + 1;
      if (t.kind === 'broken') {
        if (run.commitIndex >= t.brokenFrom && run.commitIndex < t.brokenTo)
          score.brokenWhileBroken.add(t);
        else if (run.commitIndex >= t.brokenTo) score.brokenAfterFix.add(t);
      }
      if (t.kind === 'stable') score.stableUnderOutage.add(t);
    }
    if (!CHECKPOINTS.includes(run.index + 1)) return;
    const flaggedTests = tests.filter(flagged);
    const truePositives = flaggedTests.filter((t) => t.kind === 'flaky').length;
    score.checkpoints[run.index + 1] = {
      precision: flaggedTests.length ? truePositives / flaggedTests.length : 1,
      flagged: flaggedTests.length,
      recall: Object.fromEntries(
        BUCKETS.map((b) => {
          const inBucket = tests.filter((t) => t.kind === 'flaky' && bucketOf(t) === b);
          return [b.name, inBucket.filter(flagged).length / inBucket.length];
        }),
      ),
    };
  };
  score.runsToDetect = () =>
    Object.fromEntries(
      BUCKETS.map((b) => {
        const firsts = tests
          .filter((t) => t.kind === 'flaky' && bucketOf(t) === b)
          .map((t) => state.get(t).first)
          .filter((f) => f !== undefined);
        return [b.name, median(firsts)];
      }),
    );
  return score;
}

async function scenario(key) {
  const options = { ...base, ...SCENARIOS[key] };
  const tests = makeTests(options);
  const byName = new Map(tests.map((t) => [t.name, t]));
  const dir = mkdtempSync(join(tmpdir(), 'flake-bench-'));
  const history = join(dir, 'history');
  const ours = scorer('flake-detect', tests);
  const retryBaseline = scorer('passed on retry', tests);
  const thresholdBaseline = scorer(`failure rate >= ${THRESHOLD.share * 100}%`, tests);
  const seen = new Map(tests.map((t) => [t, { runs: 0, failing: 0, retried: false }]));
  const status = new Map();
  const timing = { mergeSeconds: 0, detectSeconds: 0, attempts: 0, peakMb: 0, last: undefined };
  const start = Date.now() - options.runs * 3_600_000;
  const outageTests = new Set();
  try {
    for (const run of runs(tests, options)) {
      const runDir = join(dir, 'run');
      rmSync(runDir, { recursive: true, force: true });
      writeReports(runDir, run);
      const merged = join(dir, 'run.jsonl');
      const out = join(dir, 'out.jsonl');
      const startedAt = new Date(start + run.index * 3_600_000).toISOString();
      const merge = await measure([
        junitMerge,
        `${runDir}/**/*.xml`,
        '-q',
        '--commit',
        run.commit,
        '--branch',
        'main',
        '--run-id',
        `run-${run.commit}`,
        '--run-attempt',
        String(run.attempt),
        '--started-at',
        startedAt,
        '-o',
        merged,
      ]);
      const detect = await measure([flakeDetect, merged, '--history', history, '--record'], {
        stdout: out,
      });
      timing.mergeSeconds += merge.seconds;
      timing.detectSeconds += detect.seconds;
      timing.peakMb = Math.max(timing.peakMb, detect.peakMb);
      let attempts = 0;
      // A test in two legs is flagged when either of its records is.
      const flaggedNow = new Set();
      for (const line of readFileSync(out, 'utf8').split('\n')) {
        if (!line.startsWith('{"type":"test"')) continue;
        const record = JSON.parse(line);
        const t = byName.get(record.name);
        if (!flaggedNow.has(t)) status.set(t, record.flake.status);
        if (FLAGGED.has(record.flake.status)) flaggedNow.add(t);
        attempts += record.attempts.length;
      }
      timing.attempts += attempts;
      const historyRuns = Number(/history: (\d+) runs/.exec(detect.stderr)?.[1] ?? 0);
      timing.last = { seconds: detect.seconds, attempts, historyRuns };
      const observed = [
        ...[...run.results].map(([t, results]) => [t, t.leg, results]),
        ...[...run.twinResults].map(([t, results]) => [t, twinOf(t.leg), results]),
      ];
      for (const [t, leg, results] of observed) {
        const s = seen.get(t);
        s.runs++;
        if (results.includes('failed')) s.failing++;
        if (results.length > 1 && results.at(-1) === 'passed') s.retried = true;
        if (run.outages.has(leg) && results[0] === 'failed' && t.kind === 'stable')
          outageTests.add(t);
      }
      ours.observe(run, (t) => FLAGGED.has(status.get(t)));
      retryBaseline.observe(run, (t) => seen.get(t).retried);
      thresholdBaseline.observe(run, (t) => {
        const s = seen.get(t);
        return s.failing >= THRESHOLD.min && s.failing / s.runs >= THRESHOLD.share;
      });
      if ((run.index + 1) % 50 === 0)
        process.stderr.write(`  ${SCENARIOS[key].label}: ${run.index + 1} runs\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    options,
    tests,
    outageTests: outageTests.size,
    scores: [ours, retryBaseline, thresholdBaseline],
    timing,
  };
}

const pct = (x) => (Number.isNaN(x) ? '   -' : `${(x * 100).toFixed(0).padStart(3)}%`);
const results = [];
for (const key of scenarios) {
  if (!SCENARIOS[key])
    throw new Error(`unknown scenario ${key} (expected ${Object.keys(SCENARIOS).join(', ')})`);
  const result = await scenario(key);
  results.push({ key, ...result });
  const { options, tests, scores, timing } = result;
  const flaky = tests.filter((t) => t.kind === 'flaky');
  console.log(
    `\n${SCENARIOS[key].label}: ${tests.length} tests in ${options.legs} legs, ${flaky.length} flaky ` +
      `(${BUCKETS.map((b) => `${b.name}: ${flaky.filter((t) => bucketOf(t) === b).length}`).join(', ')}), ` +
      `${tests.filter((t) => t.kind === 'broken').length} broken then fixed, ` +
      `${result.outageTests} stable tests hit by outages; ${options.runs} runs, seed ${options.seed}`,
  );
  const header = ['detector'.padEnd(24)];
  for (const c of CHECKPOINTS)
    header.push(
      `${BUCKETS.map((b) => `${b.name}@${c}`.padStart(11)).join('')}${`prec@${c}`.padStart(9)}`,
    );
  console.log(
    `${header.join(' ')}  ${'median runs to detect'.padStart(22)}  broken:while/after  stable-outage`,
  );
  for (const s of scores) {
    const cells = [s.name.padEnd(24)];
    for (const c of CHECKPOINTS) {
      const cp = s.checkpoints[c];
      cells.push(
        `${BUCKETS.map((b) => pct(cp.recall[b.name]).padStart(11)).join('')}${pct(cp.precision).padStart(9)}`,
      );
    }
    const rtd = s.runsToDetect();
    console.log(
      `${cells.join(' ')}  ${BUCKETS.map((b) =>
        (Number.isNaN(rtd[b.name]) ? '-' : String(rtd[b.name])).padStart(6),
      )
        .join(' ')
        .padStart(22)}` +
        `  ${`${s.brokenWhileBroken.size}/${s.brokenAfterFix.size}`.padStart(18)}  ${String(s.stableUnderOutage.size).padStart(13)}`,
    );
  }
  const perMinute = (timing.attempts / timing.detectSeconds) * 60;
  console.log(
    `flake-detect: ${timing.attempts.toLocaleString('en')} attempts in ${timing.detectSeconds.toFixed(1)} s ` +
      `(${Math.round(perMinute).toLocaleString('en')} attempts a minute, one process per run), ` +
      `peak RSS ${timing.peakMb.toFixed(0)} MB; last run: ${timing.last.attempts.toLocaleString('en')} attempts ` +
      `against ${timing.last.historyRuns} runs of history in ${timing.last.seconds.toFixed(2)} s; ` +
      `junit-merge ${timing.mergeSeconds.toFixed(1)} s in all`,
  );
}

// Bulk: one stream of a million attempts through flake-detect, for its rate without the
// start-up and history read that dominate a run of a few thousand tests.
const BULK = 1_000_000;
const bulkDir = mkdtempSync(join(tmpdir(), 'flake-bulk-'));
let bulk;
try {
  const file = join(bulkDir, 'stream.jsonl');
  const lines = [
    JSON.stringify({
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      commit: 'c',
      branch: 'main',
      runId: 'bulk',
      startedAt: new Date().toISOString(),
    }),
  ];
  for (let i = 0; i < BULK; i++)
    lines.push(
      JSON.stringify({
        type: 'test',
        id: `com.acme.Bulk::t${i}`,
        leg: `leg${i % 4}`,
        name: `t${i}`,
        classname: 'com.acme.Bulk',
        attempts: [{ outcome: i % 500 === 0 ? 'failed' : 'passed', duration: 0.01 }],
        outcome: i % 500 === 0 ? 'failed' : 'passed',
      }),
    );
  lines.push(JSON.stringify({ type: 'end', tool: 'junit-merge', records: lines.length }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  lines.length = 0;
  const measured = await measure([flakeDetect, file, '--history', join(bulkDir, 'history')]);
  bulk = { attempts: BULK, seconds: measured.seconds, peakMb: measured.peakMb };
  console.log(
    `\nbulk: ${BULK.toLocaleString('en')} attempts in one stream: ${measured.seconds.toFixed(1)} s ` +
      `(${Math.round((BULK / measured.seconds) * 60).toLocaleString('en')} attempts a minute), peak RSS ${measured.peakMb.toFixed(0)} MB`,
  );
} finally {
  rmSync(bulkDir, { recursive: true, force: true });
}

const summary = results.map(({ key, options, scores, timing, outageTests }) => ({
  scenario: SCENARIOS[key].label,
  options,
  outageTests,
  detectors: scores.map((s) => ({
    name: s.name,
    checkpoints: s.checkpoints,
    runsToDetect: s.runsToDetect(),
    brokenCalledFlakyWhileBroken: s.brokenWhileBroken.size,
    brokenCalledFlakyAfterFix: s.brokenAfterFix.size,
    stableCalledFlakyUnderOutages: s.stableUnderOutage.size,
  })),
  timing,
}));
mkdirSync(join(here, '../results'), { recursive: true });
writeFileSync(
  join(here, '../results/flake-detect.json'),
  `${JSON.stringify({ scenarios: summary, bulk }, null, 2)}\n`,
);
