import jstat from 'jstat';
import { type Observation, type RunInfo, isFailing } from './history-index.js';

/** Numbers for run attempts, shared by the tests compared: a run's bit in each test's set. */
export class RunNumbers {
  readonly #numbers = new Map<RunInfo, number>();

  of(run: RunInfo): number {
    let n = this.#numbers.get(run);
    if (n === undefined) this.#numbers.set(run, (n = this.#numbers.size));
    return n;
  }

  get size(): number {
    return this.#numbers.size;
  }
}

/**
 * A flaky test's runs in the window, by their RunNumbers (a history view gives each run
 * attempt one RunInfo, shared by its observations in every leg): those it ran in, and
 * those it failed in, a number once or more.
 */
export interface RunsOfTest {
  id: string;
  ran: number[];
  failed: number[];
}

export interface CoFailingGroup {
  /** The tests, sorted. */
  tests: string[];
  /** Runs in which at least two of them failed. */
  together: number;
  /** The largest chance, over the pairs that joined them, of failing together that often. */
  chance: number;
}

/** How unlikely by chance failing together must be to group two tests. */
const SIGNIFICANCE = 0.01;
/** Most flaky tests compared in one run: pairs grow with the square. */
const MOST_TESTS = 500;

/** Each run attempt a test ran in, and those it failed in, from its observations in each leg. */
export function runsOf(
  id: string,
  observationsByLeg: Observation[][],
  numbers: RunNumbers,
): RunsOfTest {
  const ran: number[] = [];
  const failed: number[] = [];
  for (const observations of observationsByLeg)
    for (const o of observations) {
      // An outage's failures are the outage's: they say nothing of a shared cause.
      if (o.outcome === 'skipped' || o.outage) continue;
      const n = numbers.of(o.run);
      ran.push(n);
      if (isFailing(o.outcome)) failed.push(n);
    }
  return { id, ran, failed };
}

/**
 * Flaky tests that fail in the same runs more often than chance, grouped: for each pair,
 * over the runs both ran in, the chance that failures as many as each had fall together
 * in at least that many runs (the hypergeometric tail) is under 1%, and they failed
 * together at least twice. Pairs join into groups, so one owner can take a shared cause.
 */
export function coFailingGroups(tests: RunsOfTest[], numbers: RunNumbers): CoFailingGroup[] {
  const considered = tests
    .filter((t) => new Set(t.failed).size >= 2)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .slice(0, MOST_TESTS);
  const parent = considered.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const chanceOf = new Map<number, number>();
  const bits = bitsets(considered, numbers.size);
  for (let i = 0; i < considered.length; i++)
    for (let j = i + 1; j < considered.length; j++) {
      const chance = pairChance(bits[i]!, bits[j]!);
      if (chance === undefined) continue;
      const [a, b] = [root(i), root(j)];
      const joined = Math.max(chance, chanceOf.get(a) ?? 0, chanceOf.get(b) ?? 0);
      parent[b] = a;
      chanceOf.set(a, joined);
    }
  const members = new Map<number, number[]>();
  for (let i = 0; i < considered.length; i++) {
    const r = root(i);
    let group = members.get(r);
    if (!group) members.set(r, (group = []));
    group.push(i);
  }
  const groups: CoFailingGroup[] = [];
  for (const [r, group] of members) {
    if (group.length < 2) continue;
    // Runs two of them or more failed in: failed once so far, and failed again.
    const once = new Uint32Array(bits[0]!.failed.length);
    const twice = new Uint32Array(once.length);
    for (const i of group)
      bits[i]!.failed.forEach((word, w) => {
        twice[w]! |= once[w]! & word;
        once[w]! |= word;
      });
    groups.push({
      tests: group.map((i) => considered[i]!.id),
      together: twice.reduce((sum, word) => sum + bitCount(word), 0),
      chance: chanceOf.get(r)!,
    });
  }
  return groups.sort(
    (a, b) => b.tests.length - a.tests.length || (a.tests[0]! < b.tests[0]! ? -1 : 1),
  );
}

/** A test's runs as bits over every run of the tests compared: pairs compare a word at a time. */
interface RunBits {
  ran: Uint32Array;
  failed: Uint32Array;
}

function bitsets(tests: RunsOfTest[], runs: number): RunBits[] {
  const words = Math.ceil(runs / 32);
  return tests.map((t) => {
    const ran = new Uint32Array(words);
    const failed = new Uint32Array(words);
    for (const i of t.ran) ran[i >>> 5]! |= 1 << (i & 31);
    for (const i of t.failed) failed[i >>> 5]! |= 1 << (i & 31);
    return { ran, failed };
  });
}

function bitCount(word: number): number {
  let n = word - ((word >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The chance of the pair failing together as often as it did, when that is significant. */
function pairChance(a: RunBits, b: RunBits): number | undefined {
  let together = 0;
  for (let w = 0; w < a.failed.length; w++) together += bitCount(a.failed[w]! & b.failed[w]!);
  if (together < 2) return undefined;
  // Over the runs both ran in: how many each failed in.
  let both = 0;
  let failedA = 0;
  let failedB = 0;
  for (let w = 0; w < a.ran.length; w++) {
    both += bitCount(a.ran[w]! & b.ran[w]!);
    failedA += bitCount(a.failed[w]! & b.ran[w]!);
    failedB += bitCount(b.failed[w]! & a.ran[w]!);
  }
  // P(X >= together), X the runs both failed in when failedB failures fall at random
  // among `both` runs of which failedA are A's.
  const chance = 1 - jstat.hypgeom.cdf(together - 1, both, failedA, failedB);
  return chance < SIGNIFICANCE ? chance : undefined;
}
