import type { HistoryStateLeg, HistoryStateRun, HistoryStateTest } from '@testgate/stream';

/** The state tables' version, kept in testgate_state_version. */
export const STATE_VERSION = 1;
/** The table of history entries earlier versions kept: folded into the state, then dropped. */
export const ENTRIES_TABLE = 'testgate_history';

/**
 * The per-test state in Postgres (the shape of history-state.schema.json, a row per line):
 * each run attempt once; each leg's run attempts by sequence number, with their tallies;
 * each test's outcomes in a leg as stretches of those numbers; and per leg the next
 * number, whose row is locked while a run is recorded, so that recorders of one leg take
 * turns and recorders of other legs do not wait.
 */
export const CREATE_STATE = `
CREATE TABLE IF NOT EXISTS testgate_state_version (version integer NOT NULL);
CREATE TABLE IF NOT EXISTS testgate_runs (
  run text NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  commit text NOT NULL,
  branch text,
  time timestamptz NOT NULL,
  PRIMARY KEY (run, attempt)
);
CREATE INDEX IF NOT EXISTS testgate_runs_time ON testgate_runs (time);
CREATE TABLE IF NOT EXISTS testgate_legs (
  leg text PRIMARY KEY,
  next_seq integer NOT NULL
);
CREATE TABLE IF NOT EXISTS testgate_leg_runs (
  leg text NOT NULL,
  seq integer NOT NULL,
  run text NOT NULL,
  attempt integer NOT NULL,
  tests integer NOT NULL,
  failing integer NOT NULL,
  seconds double precision NOT NULL,
  time timestamptz NOT NULL,
  PRIMARY KEY (leg, seq),
  UNIQUE (leg, run, attempt)
);
CREATE INDEX IF NOT EXISTS testgate_leg_runs_time ON testgate_leg_runs (time);
CREATE TABLE IF NOT EXISTS testgate_test_state (
  id text NOT NULL,
  leg text NOT NULL,
  last integer NOT NULL,
  outcomes jsonb NOT NULL,
  signatures jsonb,
  PRIMARY KEY (id, leg)
);
CREATE INDEX IF NOT EXISTS testgate_test_state_last ON testgate_test_state (leg, last);`;

export interface RunRow {
  run: string;
  attempt: number;
  commit: string;
  branch: string | null;
  time: Date;
}

export interface LegRunRow {
  leg: string;
  seq: number;
  run: string;
  attempt: number;
  tests: number;
  failing: number;
  seconds: number;
}

export interface TestRow {
  id: string;
  leg: string;
  last: number;
  outcomes: HistoryStateTest['outcomes'];
  signatures: HistoryStateTest['signatures'] | null;
}

export function runLine(row: RunRow): HistoryStateRun {
  return {
    type: 'run',
    run: row.run,
    attempt: row.attempt,
    commit: row.commit,
    ...(row.branch === null ? {} : { branch: row.branch }),
    time: row.time.toISOString(),
  };
}

/** Each leg's line from its run rows, sorted by leg and sequence number; gaps are runs gone. */
export function legLines(rows: LegRunRow[]): HistoryStateLeg[] {
  const lines: HistoryStateLeg[] = [];
  for (const row of rows) {
    let line = lines.at(-1);
    if (!line || line.leg !== row.leg)
      lines.push((line = { type: 'leg', leg: row.leg, first: row.seq, runs: [] }));
    while (line.first + line.runs.length < row.seq) line.runs.push(null);
    line.runs.push([row.run, row.attempt, row.tests, row.failing, row.seconds]);
  }
  return lines;
}

export function testLine(row: TestRow): HistoryStateTest {
  return {
    type: 'test',
    id: row.id,
    leg: row.leg,
    last: row.last,
    outcomes: row.outcomes,
    ...(row.signatures === null ? {} : { signatures: row.signatures }),
  };
}
