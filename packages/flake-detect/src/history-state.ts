import type { HistoryEntry, HistoryStateLine } from '@testgate/stream';
import { type HistoryOutcome, type Observation, type RunInfo, isFailing } from './history-index.js';
import {
  type HistoryView,
  type LegTally,
  OutageFilter,
  type OutageOptions,
} from './history-view.js';

const OUTCOMES: readonly HistoryOutcome[] = ['passed', 'failed', 'error', 'skipped', 'flaky'];
const CODE = new Map(OUTCOMES.map((outcome, code) => [outcome, code]));

/** A stretch of a leg's runs, by sequence number, first and last included. */
export type Stretch = [from: number, to: number];

/** One run attempt of a leg, with what the outage filter and the trend read of it. */
export interface LegRun extends LegTally {
  run: RunInfo;
}

/** A leg's run attempts in the order they were recorded, numbered from `first`. */
interface LegLog {
  first: number;
  /** By sequence number less `first`; a run that fell out of the window is a hole. */
  runs: Array<LegRun | undefined>;
  /** Sequence number of each run attempt (`run\0attempt`). */
  seq: Map<string, number>;
}

/**
 * A test's outcomes in one leg: for each outcome, the stretches of the leg's runs it had
 * that outcome in (a test that passed in every run is one stretch), and the signatures of
 * its failures by sequence number.
 */
export interface TestLog {
  stretches: Stretch[][];
  signatures: Map<number, readonly string[]>;
  /** The last sequence number it has an outcome at. */
  last: number;
}

function runKey(run: string, attempt: number): string {
  return `${run}\u0000${attempt}`;
}

function testKey(id: string, leg: string): string {
  return `${id}\u0000${leg}`;
}

function splitKey(key: string): [id: string, leg: string] {
  const at = key.lastIndexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

/**
 * The history as per-test state: each leg's runs once, and each test's outcomes in a leg
 * as stretches of those runs. What a run of a stable test adds is one number (its stretch
 * grows), so the state of a test stays a few numbers however long the window; and the
 * observations it gives are exactly the entries it was made of.
 */
export class HistoryState {
  readonly runs = new Map<string, RunInfo>();
  readonly legs = new Map<string, LegLog>();
  readonly tests = new Map<string, TestLog>();

  /** Folds history entries in, in the order they were recorded; an entry seen before is left out. */
  add(entries: Iterable<HistoryEntry>): void {
    for (const entry of entries) {
      const key = runKey(entry.run, entry.attempt);
      let run = this.runs.get(key);
      if (!run) {
        run = {
          run: entry.run,
          attempt: entry.attempt,
          commit: entry.commit,
          branch: entry.branch,
          time: Date.parse(entry.time),
        };
        this.runs.set(key, run);
      }
      let log = this.legs.get(entry.leg);
      if (!log) this.legs.set(entry.leg, (log = { first: 0, runs: [], seq: new Map() }));
      let seq = log.seq.get(key);
      if (seq === undefined) {
        seq = log.first + log.runs.length;
        log.seq.set(key, seq);
        log.runs.push({ run, tests: 0, failing: 0, seconds: 0 });
      }
      const legRun = log.runs[seq - log.first];
      if (!legRun) continue; // a run attempt that fell out of the window
      const id = testKey(entry.id, entry.leg);
      let test = this.tests.get(id);
      if (!test)
        this.tests.set(
          id,
          (test = { stretches: OUTCOMES.map(() => []), signatures: new Map(), last: -1 }),
        );
      if (seq <= test.last) continue;
      const stretches = test.stretches[CODE.get(entry.outcome)!]!;
      const latest = stretches.at(-1);
      if (latest && latest[1] === test.last && test.last === seq - 1) latest[1] = seq;
      else stretches.push([seq, seq]);
      test.last = seq;
      if (entry.signatures !== undefined && entry.signatures.length > 0)
        test.signatures.set(seq, entry.signatures);
      if (entry.outcome === 'skipped') continue;
      legRun.tests++;
      legRun.seconds += entry.duration ?? 0;
      if (isFailing(entry.outcome)) legRun.failing++;
    }
  }

  /** Drops what is older than `since` (ISO 8601): runs, stretches, and tests left with none. */
  expire(since: string): void {
    const cut = Date.parse(since);
    for (const [name, log] of this.legs) {
      log.runs.forEach((r, i) => {
        if (r && r.run.time < cut) {
          log.runs[i] = undefined;
          log.seq.delete(runKey(r.run.run, r.run.attempt));
        }
      });
      let gone = 0;
      while (gone < log.runs.length && log.runs[gone] === undefined) gone++;
      log.runs.splice(0, gone);
      log.first += gone;
      if (log.runs.length === 0 && log.seq.size === 0) this.legs.delete(name);
    }
    for (const [key, test] of this.tests) {
      const [, leg] = splitKey(key);
      if (!trim(test, this.legs.get(leg)?.first ?? Number.POSITIVE_INFINITY))
        this.tests.delete(key);
    }
    const kept = new Set<RunInfo>();
    for (const log of this.legs.values()) for (const r of log.runs) if (r) kept.add(r.run);
    for (const [key, run] of this.runs) if (!kept.has(run)) this.runs.delete(key);
  }

  /** Drops the outcomes of a leg's tests before sequence number `first`, and tests left with none. */
  forget(leg: string, first: number): void {
    for (const [key, test] of this.tests)
      if (splitKey(key)[1] === leg && !trim(test, first)) this.tests.delete(key);
  }

  /** The outcomes the state holds: a test's in one run attempt each. */
  get size(): number {
    let size = 0;
    for (const test of this.tests.values())
      for (const list of test.stretches) for (const [from, to] of list) size += to - from + 1;
    return size;
  }

  /**
   * The entries the state was made of, a leg's run attempts in the order they were
   * recorded (their durations are not kept: only each leg run's total is).
   */
  *entries(): Generator<HistoryEntry[]> {
    const byLeg = new Map<string, Array<[id: string, test: TestLog]>>();
    for (const [key, test] of this.tests) {
      const [id, leg] = splitKey(key);
      let tests = byLeg.get(leg);
      if (!tests) byLeg.set(leg, (tests = []));
      tests.push([id, test]);
    }
    for (const [leg, log] of this.legs) {
      const bySeq: HistoryEntry[][] = log.runs.map(() => []);
      for (const [id, test] of byLeg.get(leg) ?? [])
        test.stretches.forEach((list, code) => {
          for (const [from, to] of list)
            for (let seq = from; seq <= to; seq++) {
              const legRun = log.runs[seq - log.first];
              if (!legRun) continue;
              const { run } = legRun;
              const signatures = test.signatures.get(seq);
              bySeq[seq - log.first]!.push({
                id,
                leg,
                commit: run.commit,
                ...(run.branch !== undefined && { branch: run.branch }),
                run: run.run,
                attempt: run.attempt,
                outcome: OUTCOMES[code]!,
                ...(signatures && { signatures: [...signatures] }),
                time: new Date(run.time).toISOString(),
              });
            }
        });
      for (const batch of bySeq) if (batch.length > 0) yield batch;
    }
  }

  /** The state as the lines of its schema (history-state.schema.json), the header first. */
  *lines(folded: readonly string[]): Generator<HistoryStateLine> {
    yield { type: 'state', version: 1, folded: [...folded] };
    for (const run of this.runs.values())
      yield {
        type: 'run',
        run: run.run,
        attempt: run.attempt,
        commit: run.commit,
        ...(run.branch !== undefined && { branch: run.branch }),
        time: new Date(run.time).toISOString(),
      };
    for (const [leg, log] of this.legs)
      yield {
        type: 'leg',
        leg,
        first: log.first,
        runs: log.runs.map((r) =>
          r ? [r.run.run, r.run.attempt, r.tests, r.failing, r.seconds] : null,
        ),
      };
    for (const [key, test] of this.tests) {
      const [id, leg] = splitKey(key);
      const outcomes: Partial<Record<HistoryOutcome, Stretch[]>> = {};
      test.stretches.forEach((list, code) => {
        if (list.length > 0) outcomes[OUTCOMES[code]!] = list;
      });
      yield {
        type: 'test',
        id,
        leg,
        last: test.last,
        outcomes,
        ...(test.signatures.size > 0 && {
          signatures: [...test.signatures].map(([seq, s]): [number, string[]] => [seq, [...s]]),
        }),
      };
    }
  }

  /**
   * Reads a line of `lines()` back, in their order; a line that names a run or leg the
   * lines before it did not is a problem, said in the error's message.
   */
  addLine(line: HistoryStateLine): void {
    if (line.type === 'run') {
      this.runs.set(runKey(line.run, line.attempt), {
        run: line.run,
        attempt: line.attempt,
        commit: line.commit,
        branch: line.branch,
        time: Date.parse(line.time),
      });
    } else if (line.type === 'leg') {
      const log: LegLog = { first: line.first, runs: [], seq: new Map() };
      line.runs.forEach((r, i) => {
        if (r === null) return void log.runs.push(undefined);
        const [run, attempt, tests, failing, seconds] = r;
        const info = this.runs.get(runKey(run, attempt));
        if (!info)
          throw new Error(
            `leg ${JSON.stringify(line.leg)} names run ${run} attempt ${attempt}, which no run line gave`,
          );
        log.seq.set(runKey(run, attempt), line.first + i);
        log.runs.push({ run: info, tests, failing, seconds });
      });
      this.legs.set(line.leg, log);
    } else if (line.type === 'test') {
      if (!this.legs.has(line.leg))
        throw new Error(
          `test ${JSON.stringify(line.id)} is in leg ${JSON.stringify(line.leg)}, which no leg line gave`,
        );
      this.tests.set(testKey(line.id, line.leg), {
        stretches: OUTCOMES.map((o) =>
          (line.outcomes[o] ?? []).map(([from, to]): Stretch => [from, to]),
        ),
        signatures: new Map(line.signatures ?? []),
        last: line.last,
      });
    }
  }

  /** The window as labelling reads it, without the run attempt being classified. */
  view(query: { since: string; current: RunInfo }, outage: OutageOptions = {}): HistoryView {
    return new StateView(this, Date.parse(query.since), query.current, new OutageFilter(outage));
  }
}

/** Drops a test's outcomes before sequence number `first`; false when none are left. */
function trim(test: TestLog, first: number): boolean {
  let left = 0;
  if (test.stretches.some((list) => list.length > 0 && list[0]![0] < first))
    test.stretches = test.stretches.map((list) =>
      list.flatMap(([from, to]): Stretch[] => (to < first ? [] : [[Math.max(from, first), to]])),
    );
  for (const list of test.stretches) left += list.length;
  for (const seq of test.signatures.keys()) if (seq < first) test.signatures.delete(seq);
  return left > 0;
}

/** Per leg, what the view worked out once: its runs in the window, their outages. */
interface LegWindow {
  log: LegLog;
  /** Whether the run at sequence number less `first` counts (in the window, not the current one). */
  counts: boolean[];
  outages: Set<number>;
  usual: number;
  /**
   * Observations without signatures, by outcome and run, shared by the leg's tests: most
   * of what a test's observations are, made once.
   */
  shared: Array<Array<Observation | undefined>>;
}

function observationAt(window: LegWindow, code: number, at: number): Observation {
  const byRun = window.shared[code]!;
  return (byRun[at] ??= {
    run: window.log.runs[at]!.run,
    outcome: OUTCOMES[code]!,
    outage: window.outages.has(window.log.first + at),
  });
}

class StateView implements HistoryView {
  readonly runCount: number;
  readonly #windows = new Map<string, LegWindow | undefined>();

  constructor(
    private readonly state: HistoryState,
    private readonly since: number,
    private readonly current: RunInfo,
    private readonly outage: OutageFilter,
  ) {
    let count = 0;
    for (const run of state.runs.values()) if (this.#counts(run)) count++;
    this.runCount = count;
  }

  #counts(run: RunInfo): boolean {
    return (
      run.time >= this.since &&
      !(run.run === this.current.run && run.attempt === this.current.attempt)
    );
  }

  #window(leg: string): LegWindow | undefined {
    if (this.#windows.has(leg)) return this.#windows.get(leg);
    const log = this.state.legs.get(leg);
    let window: LegWindow | undefined;
    if (log) {
      const counts = log.runs.map((r) => r !== undefined && this.#counts(r.run));
      const tallied = log.runs.filter((r, i): r is LegRun => counts[i]! && r!.tests > 0);
      const usual = this.outage.usualShare(tallied);
      const outages = new Set<number>();
      log.runs.forEach((r, i) => {
        if (counts[i] && r!.tests > 0 && this.outage.isOutage(usual, r!.tests, r!.failing))
          outages.add(log.first + i);
      });
      window = { log, counts, outages, usual, shared: OUTCOMES.map(() => []) };
    }
    this.#windows.set(leg, window);
    return window;
  }

  observationsOf(id: string, leg: string): Observation[] {
    const test = this.state.tests.get(testKey(id, leg));
    const window = this.#window(leg);
    if (!test || !window) return [];
    const { log, counts } = window;
    // Each run's outcome in its slot: read in the order recorded, then by time, as the
    // entries read in that order.
    const slots: Array<Observation | undefined> = new Array(log.runs.length);
    test.stretches.forEach((list, code) => {
      for (const [from, to] of list)
        for (let seq = Math.max(from, log.first); seq <= to; seq++) {
          const at = seq - log.first;
          if (!counts[at]) continue;
          const signatures = test.signatures.get(seq);
          slots[at] = signatures
            ? { ...observationAt(window, code, at), signatures }
            : observationAt(window, code, at);
        }
    });
    const observations: Observation[] = [];
    let ordered = true;
    for (const o of slots)
      if (o) {
        ordered &&= observations.length === 0 || observations.at(-1)!.run.time <= o.run.time;
        observations.push(o);
      }
    return ordered ? observations : observations.sort((a, b) => a.run.time - b.run.time);
  }

  outcomesKey(id: string, leg: string): string | undefined {
    const test = this.state.tests.get(testKey(id, leg));
    return test ? JSON.stringify(test.stretches) : '';
  }

  isOutage(leg: string, tests: number, failing: number): boolean {
    return this.outage.isOutage(this.usualShare(leg), tests, failing);
  }

  usualShare(leg: string): number {
    return this.#window(leg)?.usual ?? 0;
  }

  recentTestSeconds(leg: string, count: number): number[] {
    const window = this.#window(leg);
    if (!window) return [];
    return window.log.runs
      .filter((r, i): r is LegRun => window.counts[i]! && r!.tests > 0)
      .sort((a, b) => a.run.time - b.run.time)
      .slice(-count)
      .map((r) => Math.round(r.seconds * 1000) / 1000);
  }
}
