import type pg from 'pg';
import { type HistoryEntry, InputError, redactUrl } from '@testgate/stream';
import { HistoryState } from '../history-state.js';
import {
  CREATE_STATE,
  ENTRIES_TABLE,
  type LegRunRow,
  type RunRow,
  STATE_VERSION,
  type TestRow,
  legLines,
  runLine,
  testLine,
} from './postgres-state.js';
import type { HistoryStore } from './store.js';

// An advisory lock serialises the first use by jobs that start at the same moment:
// CREATE TABLE IF NOT EXISTS alone races on Postgres' catalog, and a migration must run once.
const SCHEMA_LOCK = 0x7e57_6a7e;
/** Test rows read or written per statement. */
const BATCH = 5_000;

const TEST_COLUMNS = 'id, leg, last, outcomes, signatures';
/** The rows of (id, leg) pairs given as two arrays. */
const KEYS = 'SELECT * FROM unnest($1::text[], $2::text[])';

/**
 * History in Postgres, the shared engine many runners record into at once: the per-test
 * state (postgres-state.ts). A run reads its own tests' rows and its legs' runs; recording
 * is one transaction that updates the rows of its tests, holding its legs' rows, so that
 * recorders of one leg take turns and never deadlock (the rows are taken in one order).
 * Recording the same run attempt twice keeps the first. The tables are made on first use,
 * and a history table an earlier version kept is folded into them then, under the lock.
 */
export class PostgresStore implements HistoryStore {
  private pool: pg.Pool | undefined;
  private ready: Promise<void> | undefined;
  readonly name: string;

  constructor(private readonly url: string) {
    // Never print a password.
    this.name = redactUrl(url);
  }

  async state(since: string, tests?: Array<[id: string, leg: string]>): Promise<HistoryState> {
    await this.schema();
    const client = await this.connect();
    try {
      // One snapshot for every query: a run recorded meanwhile is in all of them or none.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const state = new HistoryState();
      const runs = await client.query<RunRow>(
        'SELECT run, attempt, commit, branch, time FROM testgate_runs WHERE time >= $1',
        [since],
      );
      for (const row of runs.rows) state.addLine(runLine(row));
      const legs = tests === undefined ? undefined : [...new Set(tests.map(([, leg]) => leg))];
      const legRuns = await client.query<LegRunRow>(
        `SELECT leg, seq, run, attempt, tests, failing, seconds FROM testgate_leg_runs
         WHERE time >= $1 ${legs === undefined ? '' : 'AND leg = ANY($2)'} ORDER BY leg, seq`,
        legs === undefined ? [since] : [since, legs],
      );
      for (const line of legLines(legRuns.rows)) state.addLine(line);
      const add = (rows: TestRow[]) => {
        for (const row of rows) if (state.legs.has(row.leg)) state.addLine(testLine(row));
      };
      if (tests === undefined)
        add((await client.query<TestRow>(`SELECT ${TEST_COLUMNS} FROM testgate_test_state`)).rows);
      else
        for (let i = 0; i < tests.length; i += BATCH) {
          const batch = tests.slice(i, i + BATCH);
          const rows = await client.query<TestRow>(
            `SELECT ${TEST_COLUMNS} FROM testgate_test_state WHERE (id, leg) IN (${KEYS})`,
            [batch.map(([id]) => id), batch.map(([, leg]) => leg)],
          );
          add(rows.rows);
        }
      await client.query('COMMIT');
      return state;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.refused(error);
    } finally {
      client.release();
    }
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await this.schema();
    await this.transaction(async (client) => {
      const legs = [...new Set(entries.map((e) => e.leg))].sort();
      await client.query(
        'INSERT INTO testgate_legs (leg, next_seq) SELECT unnest($1::text[]), 0 ON CONFLICT DO NOTHING',
        [legs],
      );
      // Held to the end of the transaction, taken in one order.
      const next = await client.query<{ leg: string; next_seq: number }>(
        'SELECT leg, next_seq FROM testgate_legs WHERE leg = ANY($1) ORDER BY leg FOR UPDATE',
        [legs],
      );
      const held = await this.heldAttempts(client, entries);
      const fresh = entries.filter((e) => !held.has(`${e.leg}\u0000${e.run}\u0000${e.attempt}`));
      const state = new HistoryState();
      for (const { leg, next_seq } of next.rows)
        state.addLine({ type: 'leg', leg, first: next_seq, runs: [] });
      const keys = [...new Set(fresh.map((e) => `${e.id}\u0000${e.leg}`))].map(
        (k) => k.split('\u0000') as [string, string],
      );
      for (let i = 0; i < keys.length; i += BATCH) {
        const batch = keys.slice(i, i + BATCH);
        const rows = await client.query<TestRow>(
          `SELECT ${TEST_COLUMNS} FROM testgate_test_state WHERE (id, leg) IN (${KEYS})`,
          [batch.map(([id]) => id), batch.map(([, leg]) => leg)],
        );
        for (const row of rows.rows) state.addLine(testLine(row));
      }
      state.add(fresh);
      // What each test keeps: its outcomes in its leg's runs still in the window.
      const firsts = await client.query<{ leg: string; first: number }>(
        'SELECT leg, min(seq) AS first FROM testgate_leg_runs WHERE leg = ANY($1) AND time >= $2 GROUP BY leg',
        [legs, since],
      );
      const first = new Map(firsts.rows.map((r) => [r.leg, r.first]));
      for (const { leg, next_seq } of next.rows) state.forget(leg, first.get(leg) ?? next_seq);
      await writeState(client, state);
      await cut(client, since, legs);
    });
  }

  async prune(since: string): Promise<number> {
    await this.schema();
    let dropped = 0;
    await this.transaction(async (client) => {
      const legs = await client.query<{ leg: string }>(
        'SELECT leg FROM testgate_legs ORDER BY leg',
      );
      dropped = await cut(
        client,
        since,
        legs.rows.map((r) => r.leg),
      );
    });
    return dropped;
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }

  /** The run attempts of the entries that their legs hold already. */
  private async heldAttempts(client: pg.PoolClient, entries: HistoryEntry[]): Promise<Set<string>> {
    const attempts = new Map<string, [string, string, number]>();
    for (const e of entries)
      attempts.set(`${e.leg}\u0000${e.run}\u0000${e.attempt}`, [e.leg, e.run, e.attempt]);
    const list = [...attempts.values()];
    const rows = await client.query<{ leg: string; run: string; attempt: number }>(
      `SELECT leg, run, attempt FROM testgate_leg_runs
       WHERE (leg, run, attempt) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::integer[]))`,
      [list.map((a) => a[0]), list.map((a) => a[1]), list.map((a) => a[2])],
    );
    return new Set(rows.rows.map((r) => `${r.leg}\u0000${r.run}\u0000${r.attempt}`));
  }

  private schema(): Promise<void> {
    this.ready ??= this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(CREATE_STATE);
      const version = await client.query<{ version: number }>(
        'SELECT version FROM testgate_state_version',
      );
      const made = version.rows[0]?.version;
      if (made !== undefined && made !== STATE_VERSION)
        throw new InputError(
          `the history tables are of version ${made}, and this flake-detect reads version ${STATE_VERSION}`,
          { file: this.name },
          'record with the flake-detect that made them',
        );
      if (made === undefined) {
        await migrateEntries(client);
        await client.query('INSERT INTO testgate_state_version VALUES ($1)', [STATE_VERSION]);
      }
    });
    return this.ready;
  }

  private async connect(): Promise<pg.PoolClient> {
    // Loaded on first use: the folder store's users never pay for the driver.
    if (!this.pool) {
      const { default: driver } = await import('pg');
      this.pool = new driver.Pool({ connectionString: this.url, max: 2 });
    }
    try {
      return await this.pool.connect();
    } catch (error) {
      throw new InputError(
        `cannot connect to the history database (${(error as Error).message})`,
        { file: this.name },
        'check the URL given to --history and that the server is up',
      );
    }
  }

  private async transaction(body: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      await body(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.refused(error);
    } finally {
      client.release();
    }
  }

  /** What the database said no to (no CREATE, no INSERT, a full disk), as one line. */
  private refused(error: unknown): unknown {
    const e = error as { code?: unknown; severity?: unknown; message?: string };
    if (typeof e.code !== 'string' || typeof e.severity !== 'string') return error;
    return new InputError(
      `the history database refused: ${e.message ?? 'no reason given'} (SQLSTATE ${e.code})`,
      { file: this.name },
      e.code === '42501'
        ? 'grant the user CREATE and INSERT on the database, or create the testgate_ tables as another user'
        : 'check the database user and its rights',
    );
  }
}

/**
 * Writes what the state holds: its run attempts (once), its legs' new runs and next
 * numbers, and its tests' rows (those left with nothing in the window removed).
 */
async function writeState(client: pg.PoolClient, state: HistoryState): Promise<void> {
  const runs: RunRow[] = [];
  const legRuns: Array<LegRunRow & { time: string }> = [];
  const nexts: Array<[string, number]> = [];
  const tests: TestRow[] = [];
  for (const line of state.lines([])) {
    if (line.type === 'run')
      runs.push({ ...line, branch: line.branch ?? null, time: new Date(line.time) });
    else if (line.type === 'leg') {
      line.runs.forEach((r, i) => {
        if (r === null) return;
        const [run, attempt, tests, failing, seconds] = r;
        const time = state.runs.get(`${run}\u0000${attempt}`)!.time;
        legRuns.push({
          leg: line.leg,
          seq: line.first + i,
          run,
          attempt,
          tests,
          failing,
          seconds,
          time: new Date(time).toISOString(),
        });
      });
      nexts.push([line.leg, line.first + line.runs.length]);
    } else if (line.type === 'test') tests.push({ ...line, signatures: line.signatures ?? null });
  }
  await client.query(
    `INSERT INTO testgate_runs (run, attempt, commit, branch, time)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [
      runs.map((r) => r.run),
      runs.map((r) => r.attempt),
      runs.map((r) => r.commit),
      runs.map((r) => r.branch),
      runs.map((r) => r.time.toISOString()),
    ],
  );
  await client.query(
    `INSERT INTO testgate_leg_runs (leg, seq, run, attempt, tests, failing, seconds, time)
     SELECT * FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $5::integer[], $6::integer[], $7::double precision[], $8::timestamptz[])`,
    ['leg', 'seq', 'run', 'attempt', 'tests', 'failing', 'seconds', 'time'].map((k) =>
      legRuns.map((r) => r[k as keyof typeof r]),
    ),
  );
  await client.query(
    `INSERT INTO testgate_legs (leg, next_seq) SELECT * FROM unnest($1::text[], $2::integer[])
     ON CONFLICT (leg) DO UPDATE SET next_seq = GREATEST(testgate_legs.next_seq, excluded.next_seq)`,
    [nexts.map((n) => n[0]), nexts.map((n) => n[1])],
  );
  for (let i = 0; i < tests.length; i += BATCH) {
    const batch = tests.slice(i, i + BATCH);
    await client.query(
      `INSERT INTO testgate_test_state (${TEST_COLUMNS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::jsonb[], $5::jsonb[])
       ON CONFLICT (id, leg) DO UPDATE
       SET last = excluded.last, outcomes = excluded.outcomes, signatures = excluded.signatures`,
      [
        batch.map((t) => t.id),
        batch.map((t) => t.leg),
        batch.map((t) => t.last),
        batch.map((t) => JSON.stringify(t.outcomes)),
        batch.map((t) => (t.signatures === null ? null : JSON.stringify(t.signatures))),
      ],
    );
  }
}

/**
 * Drops what fell out of the window: run attempts, leg runs, and the rows of tests with
 * no outcome left in it; resolves to the leg runs dropped.
 */
async function cut(client: pg.PoolClient, since: string, legs: string[]): Promise<number> {
  const dropped = await client.query(
    'DELETE FROM testgate_leg_runs WHERE time < $1 AND leg = ANY($2)',
    [since, legs],
  );
  await client.query('DELETE FROM testgate_runs WHERE time < $1', [since]);
  await client.query(
    `DELETE FROM testgate_test_state s USING testgate_legs l
     WHERE s.leg = l.leg AND l.leg = ANY($1)
       AND s.last < COALESCE((SELECT min(seq) FROM testgate_leg_runs r WHERE r.leg = l.leg), l.next_seq)`,
    [legs],
  );
  return dropped.rowCount ?? 0;
}

/** Folds the history table an earlier version kept into the state, then drops it. */
async function migrateEntries(client: pg.PoolClient): Promise<void> {
  const old = await client.query<{ table: string | null }>(
    `SELECT to_regclass('${ENTRIES_TABLE}')::text AS table`,
  );
  if (old.rows[0]?.table == null) return;
  // A table made before failures had signatures has no such column.
  await client.query(`ALTER TABLE ${ENTRIES_TABLE} ADD COLUMN IF NOT EXISTS signatures text[]`);
  const rows = await client.query<{
    id: string;
    leg: string;
    commit: string;
    branch: string | null;
    run: string;
    attempt: number;
    outcome: HistoryEntry['outcome'];
    duration: number | null;
    time: Date;
    signatures: string[] | null;
  }>(
    `SELECT id, leg, commit, branch, run, attempt, outcome, duration, time, signatures
     FROM ${ENTRIES_TABLE} ORDER BY time, run, attempt, leg, id`,
  );
  const state = new HistoryState();
  state.add(
    rows.rows.map((r) => ({
      id: r.id,
      leg: r.leg,
      commit: r.commit,
      ...(r.branch === null ? {} : { branch: r.branch }),
      run: r.run,
      attempt: r.attempt,
      outcome: r.outcome,
      ...(r.signatures === null ? {} : { signatures: r.signatures }),
      ...(r.duration === null ? {} : { duration: r.duration }),
      time: r.time.toISOString(),
    })),
  );
  await writeState(client, state);
  await client.query(`DROP TABLE ${ENTRIES_TABLE}`);
}
