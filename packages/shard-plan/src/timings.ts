import {
  type HistoryEntry,
  type TestRecord,
  InputError,
  readLineBatches,
  readRecords,
  validateHistoryEntry,
} from '@testgate/stream';

/** One test's time in one run, as a saved stream or a history entry gives it. */
export interface TimedTest {
  /** The fields a test's file may be found in, most telling first. */
  places: string[];
  name: string;
  seconds: number;
}

/** One earlier run: when, on which branch, and its tests' times. */
export interface TimedRun {
  time: string;
  branch?: string | undefined;
  tests: TimedTest[];
}

/** Medians over the last runs, by file and by test (`file::name`). */
export interface Timings {
  files: Map<string, number>;
  tests: Map<string, number>;
  /** The runs the medians were taken over. */
  runs: number;
}

/**
 * A saved run stream (what junit-merge or a later stage wrote) as one timed run: each
 * test's time is the sum of its attempts, the time its shard spent on it.
 */
export async function streamRun(
  input: AsyncIterable<Buffer | string>,
  file: string,
): Promise<TimedRun> {
  const run: TimedRun = { time: '', tests: [] };
  for await (const record of readRecords(input, { file })) {
    if (record.type === 'run') {
      run.time = record.startedAt ?? '';
      run.branch = record.branch;
    } else if (record.type === 'test') run.tests.push(timedTest(record));
  }
  return run;
}

function timedTest(record: TestRecord): TimedTest {
  const scope = scopeOf(record.id);
  const places = [record.file, record.classname, scope, record.suite].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const seconds = record.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
  return { places, name: record.name, seconds };
}

/**
 * History entries (what `flake-detect history --export` writes, one per test, leg and
 * run) as timed runs, one per CI run and attempt. An entry names no file: the id's scope
 * is where it is looked for.
 */
export async function historyRuns(
  input: AsyncIterable<Buffer | string>,
  file: string,
): Promise<TimedRun[]> {
  const runs = new Map<string, TimedRun>();
  let line = 0;
  for await (const lines of readLineBatches(input, file))
    for (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const entry = historyEntry(text, { file, line });
      const key = `${entry.run}\u0000${entry.attempt}`;
      let run = runs.get(key);
      if (!run) runs.set(key, (run = { time: entry.time, branch: entry.branch, tests: [] }));
      if (entry.time < run.time) run.time = entry.time;
      const scope = scopeOf(entry.id);
      const at = entry.id.lastIndexOf('::');
      run.tests.push({
        places: scope === '' ? [] : [scope],
        name: at === -1 ? entry.id : entry.id.slice(at + 2),
        seconds: entry.duration ?? 0,
      });
    }
  return [...runs.values()];
}

function historyEntry(text: string, place: { file: string; line: number }): HistoryEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(
      'not a JSON line',
      place,
      'pass what `flake-detect history --export` writes',
    );
  }
  const checked = validateHistoryEntry(value);
  if (!checked.ok)
    throw new InputError(
      `not a history entry: ${checked.problem}`,
      place,
      'pass what `flake-detect history --export` writes',
    );
  return value as HistoryEntry;
}

/** The scope of an id (`scope::name`), without a namesake's qualifier (`@ py311.xml`). */
function scopeOf(id: string): string {
  const bare = id.replace(/ @ [^:]*$/, '');
  const at = bare.lastIndexOf('::');
  return at === -1 ? '' : bare.slice(0, at);
}

/**
 * The median time of each listed file and test over the last `last` runs that ran it,
 * from runs on `branch` only (`*` for every branch): timings a pull request's own runs
 * could poison are left out by default. A test's file is found among the listed files
 * from its record (its `file`, classname, id scope or suite; a dotted Python module as
 * its path; an absolute or deeper path by its end).
 */
export function medianTimings(
  runs: readonly TimedRun[],
  files: readonly string[],
  options: { branch: string; last: number },
): Timings {
  const resolve = fileResolver(files);
  const chosen = runs
    .filter((run) => options.branch === '*' || run.branch === options.branch)
    .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
  const perFile = new Map<string, number[]>();
  const perTest = new Map<string, number[]>();
  for (const run of chosen) {
    const fileSums = new Map<string, number>();
    const testSums = new Map<string, number>();
    for (const test of run.tests) {
      const file = resolve(test.places);
      if (file === undefined) continue;
      fileSums.set(file, (fileSums.get(file) ?? 0) + test.seconds);
      const key = `${file}::${test.name}`;
      testSums.set(key, (testSums.get(key) ?? 0) + test.seconds);
    }
    collect(fileSums, perFile, options.last);
    collect(testSums, perTest, options.last);
  }
  return { files: medians(perFile), tests: medians(perTest), runs: chosen.length };
}

/** Adds a run's sums to each key's samples, newest run first, up to `last` samples each. */
function collect(sums: Map<string, number>, into: Map<string, number[]>, last: number): void {
  for (const [key, seconds] of sums) {
    const samples = into.get(key);
    if (!samples) into.set(key, [seconds]);
    else if (samples.length < last) samples.push(seconds);
  }
}

function medians(samples: Map<string, number[]>): Map<string, number> {
  return new Map([...samples].map(([key, values]) => [key, median(values)]));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The paths a place may stand for: itself, and for a dotted Python module or class
 * (`tests.test_api.TestGet`) the module's path (`tests/test_api.py`).
 */
function candidatesOf(place: string): string[] {
  const candidates = [place.replace(/^\.\//, '')];
  if (!place.includes('/') && place.includes('.')) {
    const parts = place.split('.');
    for (let n = parts.length; n >= 1; n--) candidates.push(`${parts.slice(0, n).join('/')}.py`);
  }
  return candidates;
}

/** Finds a record's file among the listed ones. */
function fileResolver(files: readonly string[]): (places: string[]) => string | undefined {
  const listed = new Set(files);
  const byBase = new Map<string, string[]>();
  for (const file of files) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    const named = byBase.get(base);
    if (named) named.push(file);
    else byBase.set(base, [file]);
  }
  const cache = new Map<string, string | undefined>();
  const find = (place: string): string | undefined => {
    if (cache.has(place)) return cache.get(place);
    let found: string | undefined;
    for (const candidate of candidatesOf(place)) {
      if (listed.has(candidate)) found = candidate;
      else {
        const base = candidate.slice(candidate.lastIndexOf('/') + 1);
        // One file of that name whose path ends the place's, or the other way round.
        const ends = (byBase.get(base) ?? []).filter(
          (f) => candidate.endsWith(`/${f}`) || f.endsWith(`/${candidate}`),
        );
        if (ends.length === 1) found = ends[0];
      }
      if (found !== undefined) break;
    }
    cache.set(place, found);
    return found;
  };
  return (places) => {
    for (const place of places) {
      const found = find(place);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}
