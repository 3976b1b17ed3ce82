// A seeded generator of CI history for the flake-detect benchmark: thousands of tests in a
// few legs, a few percent of them flaky with per-attempt failure rates from 0.2% to 30%
// (log-uniform), some broken by a commit and fixed some commits later, reruns of the same
// commit after a red run, retries in some runs, and outages that fail a share of a leg's
// tests at once. Every test's truth is known, so the benchmark can score the verdicts.

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULTS = {
  seed: 42,
  tests: 3000,
  legs: 4,
  runs: 300,
  flakyShare: 0.05,
  minRate: 0.002,
  maxRate: 0.3,
  broken: 30,
  /** Share of runs with retries on (up to two retries of a failed test). */
  retryShare: 1,
  /** Chance that a red run is rerun on the same commit (up to attempt 3). */
  rerunChance: 0.3,
  /** Chance per run and leg of an outage. */
  outageChance: 0.03,
  /**
   * Every test also runs in a twin of its leg that differs only by shard
   * (`leg0-shard-2`): a whole-suite job beside a sharded one of the same runtime.
   */
  twins: false,
};

/** The twin of a leg, named as a shard of the same configuration. */
export const twinOf = (leg) => `${leg}-shard-2`;

/** The tests and their truth: stable, flaky with a rate, or broken on a stretch of commits. */
export function makeTests(options) {
  const o = { ...DEFAULTS, ...options };
  const rand = random(o.seed);
  const tests = Array.from({ length: o.tests }, (_, i) => ({
    name: `t${String(i).padStart(5, '0')}`,
    leg: `leg${i % o.legs}`,
    kind: 'stable',
  }));
  const pick = () => tests[Math.floor(rand() * tests.length)];
  const flaky = Math.round(o.tests * o.flakyShare);
  for (let n = 0; n < flaky;) {
    const t = pick();
    if (t.kind !== 'stable') continue;
    t.kind = 'flaky';
    t.rate = o.minRate * Math.exp(rand() * Math.log(o.maxRate / o.minRate));
    n++;
  }
  // Commits are fewer than runs (reruns): breaks start early enough to be fixed.
  const commits = Math.floor(o.runs * 0.85);
  for (let n = 0; n < o.broken;) {
    const t = pick();
    if (t.kind !== 'stable') continue;
    t.kind = 'broken';
    t.brokenFrom = 10 + Math.floor(rand() * Math.max(1, commits - 40));
    t.brokenTo = t.brokenFrom + 2 + Math.floor(rand() * 14);
    n++;
  }
  return tests;
}

/**
 * The runs, one at a time: each the next commit, or a rerun of the last one when it was
 * red. A run gives, per test, the outcomes of its attempts in order (and in `twinResults`
 * those in its leg's twin).
 */
export function* runs(tests, options) {
  const o = { ...DEFAULTS, ...options };
  const rand = random(o.seed + 1);
  const legs = [...new Set(tests.map((t) => t.leg))].flatMap((leg) =>
    o.twins ? [leg, twinOf(leg)] : [leg],
  );
  let commit = -1;
  let attempt = 1;
  let red = true;
  for (let index = 0; index < o.runs; index++) {
    if (!red || attempt >= 3 || rand() >= o.rerunChance || commit < 0) {
      commit++;
      attempt = 1;
    } else attempt++;
    const retries = rand() < o.retryShare;
    const outages = new Map();
    for (const leg of legs) if (rand() < o.outageChance) outages.set(leg, 0.2 + rand() * 0.4);
    const results = new Map();
    const twinResults = new Map();
    red = false;
    const attemptsOf = (t, leg) => {
      const broken = t.kind === 'broken' && commit >= t.brokenFrom && commit < t.brokenTo;
      const outage = outages.get(leg);
      const hitByOutage = outage !== undefined && rand() < outage;
      const attempts = [];
      for (let a = 0; a < (retries ? 3 : 1); a++) {
        let fails = broken;
        if (t.kind === 'flaky' && rand() < t.rate) fails = true;
        // An outage fails the first attempt; a retry gets through half of the time.
        if (hitByOutage && (a === 0 || rand() < 0.5)) fails = true;
        attempts.push(fails ? 'failed' : 'passed');
        if (!fails) break;
      }
      if (attempts[0] === 'failed') red = true;
      return attempts;
    };
    for (const t of tests) {
      results.set(t, attemptsOf(t, t.leg));
      if (o.twins) twinResults.set(t, attemptsOf(t, twinOf(t.leg)));
    }
    yield {
      index,
      commit: `c${commit}`,
      commitIndex: commit,
      attempt,
      retries,
      outages,
      results,
      twinResults,
    };
  }
}
