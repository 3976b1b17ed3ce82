import { type ListedTest, type Runner, splitsFiles } from './test-list.js';
import { type Timings, median } from './timings.js';

/** What a shard runs: a whole file, or one test of a file split across shards. */
export interface PlannedUnit {
  /** The runner's argument for it: the file, or the test's own handle. */
  arg: string;
  file: string;
  seconds: number;
  /** No timing of its own: the median of its folder's files, else of the suite's. */
  estimated: boolean;
}

export interface Shard {
  /** `<name>-<index>`: the leg name the shard's reports go under. */
  name: string;
  index: number;
  /** The sum of its units' times, in seconds; absent when no unit had a timing (equal weights). */
  planned?: number;
  /** Its units' arguments, in the order the runner listed them. */
  args: string[];
  units: PlannedUnit[];
}

export interface Plan {
  version: 1;
  runner: Runner;
  shards: Shard[];
  /** Every unit's time, in seconds. */
  total: number;
  /** The units that had no timing of their own. */
  estimated: number;
  units: number;
  /** The earlier runs the timings came from. */
  runs: number;
}

export interface PlanOptions {
  runner: Runner;
  /** The leg name of the shards, numbered from 1. */
  name: string;
  /** This many shards; or else the fewest whose longest planned shard fits `target`. */
  shards?: number | undefined;
  /** Seconds the longest shard may take. */
  target?: number | undefined;
}

/** No unit weighs nothing: unknown or instant tests would otherwise pile onto one shard. */
const LEAST_SECONDS = 0.001;
/** The most shards `--target` picks. */
export const MAX_SHARDS = 256;

/**
 * Splits the listed tests into shards of equal planned time, longest-processing-time
 * first: the units (files, or the tests of a file slower than a shard where the runner
 * can run single tests) from the slowest, each onto the shard with the least time so far.
 * The same input gives the same plan, and every listed test is in exactly one shard.
 */
export function planShards(
  tests: readonly ListedTest[],
  timings: Timings,
  options: PlanOptions,
): Plan {
  const byFile = new Map<string, ListedTest[]>();
  for (const test of tests) {
    const list = byFile.get(test.file);
    if (list) list.push(test);
    else byFile.set(test.file, [test]);
  }
  const weigh = fileWeights([...byFile.keys()], timings);
  const total = [...byFile.keys()].reduce((sum, file) => sum + weigh(file).seconds, 0);
  const count = options.shards;
  const perShard = count !== undefined ? total / count : options.target!;
  const units = planUnits(
    byFile,
    weigh,
    timings,
    splitsFiles(options.runner) ? perShard : Infinity,
  );
  let shards: PlannedUnit[][];
  if (count !== undefined) shards = longestFirst(units, count);
  else {
    // The fewest shards whose longest fits; at most one per unit, where no more helps.
    const most = Math.min(MAX_SHARDS, units.length);
    let n = Math.max(1, Math.min(most, Math.ceil(total / options.target!)));
    shards = longestFirst(units, n);
    while (n < most && longest(shards) > options.target!) shards = longestFirst(units, ++n);
  }
  // Where the runner listed each unit: a file where its first test was.
  const order = new Map<string, number>();
  tests.forEach((test, n) => {
    if (!order.has(test.file)) order.set(test.file, n);
    if (test.handle !== undefined) order.set(test.handle, n);
  });
  // With no timing at all the weights are counts, not seconds: no time is planned then.
  const timed = units.some((u) => !u.estimated);
  const planned = shards.map((shardUnits, n): Shard => {
    const listed = [...shardUnits].sort((a, b) => orderOf(order, a) - orderOf(order, b));
    return {
      name: `${options.name}-${n + 1}`,
      index: n + 1,
      ...(timed && { planned: round(shardUnits.reduce((sum, u) => sum + u.seconds, 0)) }),
      args: listed.map((u) => u.arg),
      units: listed,
    };
  });
  checkEveryTestOnce(tests, byFile, planned);
  return {
    version: 1,
    runner: options.runner,
    shards: planned,
    total: round(total),
    estimated: units.filter((u) => u.estimated).length,
    units: units.length,
    runs: timings.runs,
  };
}

/** Each file's time: its median, else the median of its folder's known files, else the suite's. */
function fileWeights(
  files: string[],
  timings: Timings,
): (file: string) => { seconds: number; estimated: boolean } {
  const known = files.filter((f) => timings.files.has(f));
  const suite = known.length > 0 ? median(known.map((f) => timings.files.get(f)!)) : 1;
  const byFolder = new Map<string, number[]>();
  for (const file of known) {
    const folder = folderOf(file);
    const values = byFolder.get(folder);
    if (values) values.push(timings.files.get(file)!);
    else byFolder.set(folder, [timings.files.get(file)!]);
  }
  const folderMedian = new Map([...byFolder].map(([folder, values]) => [folder, median(values)]));
  return (file) => {
    const own = timings.files.get(file);
    if (own !== undefined) return { seconds: Math.max(own, LEAST_SECONDS), estimated: false };
    return {
      seconds: Math.max(folderMedian.get(folderOf(file)) ?? suite, LEAST_SECONDS),
      estimated: true,
    };
  };
}

/** Files as units, except a file slower than one shard, which becomes its tests. */
function planUnits(
  byFile: Map<string, ListedTest[]>,
  weigh: (file: string) => { seconds: number; estimated: boolean },
  timings: Timings,
  perShard: number,
): PlannedUnit[] {
  const units: PlannedUnit[] = [];
  for (const [file, tests] of byFile) {
    const { seconds, estimated } = weigh(file);
    const splittable = tests.length > 1 && tests.every((t) => t.handle !== undefined);
    if (!splittable || seconds <= perShard) {
      units.push({ arg: file, file, seconds, estimated });
      continue;
    }
    const own = tests.map((t) => timings.tests.get(`${file}::${t.name}`));
    const knownTimes = own.filter((s): s is number => s !== undefined);
    const fallback = knownTimes.length > 0 ? median(knownTimes) : seconds / tests.length;
    tests.forEach((test, n) => {
      const time = own[n];
      units.push({
        arg: test.handle!,
        file,
        seconds: Math.max(time ?? fallback, LEAST_SECONDS),
        estimated: time === undefined,
      });
    });
  }
  return units;
}

/** Longest processing time first: deterministic, ties by argument and by shard number. */
function longestFirst(units: readonly PlannedUnit[], count: number): PlannedUnit[][] {
  const sorted = [...units].sort(
    (a, b) => b.seconds - a.seconds || (a.arg < b.arg ? -1 : a.arg > b.arg ? 1 : 0),
  );
  const shards: PlannedUnit[][] = Array.from({ length: count }, () => []);
  const loads = new Array<number>(count).fill(0);
  for (const unit of sorted) {
    let least = 0;
    for (let n = 1; n < count; n++) if (loads[n]! < loads[least]!) least = n;
    shards[least]!.push(unit);
    loads[least]! += unit.seconds;
  }
  return shards;
}

function longest(shards: PlannedUnit[][]): number {
  return Math.max(...shards.map((units) => units.reduce((sum, u) => sum + u.seconds, 0)));
}

/** A planner that loses or doubles a test is a bug: said loudly, never a plan. */
function checkEveryTestOnce(
  tests: readonly ListedTest[],
  byFile: Map<string, ListedTest[]>,
  shards: Shard[],
): void {
  const covered = new Map<string, number>();
  const count = (key: string) => covered.set(key, (covered.get(key) ?? 0) + 1);
  for (const shard of shards)
    for (const unit of shard.units) {
      if (unit.arg !== unit.file) count(unit.arg);
      else for (const test of byFile.get(unit.file)!) count(test.handle ?? test.file);
    }
  for (const test of tests) {
    const times = covered.get(test.handle ?? test.file) ?? 0;
    if (times !== 1)
      throw new Error(
        `shard-plan: ${test.handle ?? test.file} is planned ${times} times, not once`,
      );
  }
}

function orderOf(order: Map<string, number>, unit: PlannedUnit): number {
  return order.get(unit.arg)!;
}

function folderOf(file: string): string {
  return file.slice(0, Math.max(0, file.lastIndexOf('/')));
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
