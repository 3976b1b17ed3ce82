import type pg from 'pg';
import { type HistoryEntry, InputError, redactUrl } from '@testgate/stream';
import type { HistoryStore } from './store.js';

const TABLE = 'testgate_history';

// An advisory lock serialises the first use by jobs that start at the same moment:
// CREATE TABLE IF NOT EXISTS alone races on Postgres' catalog.
const SCHEMA_LOCK = 0x7e57_6a7e;
const CREATE = `
CREATE TABLE IF NOT EXISTS ${TABLE} (
  run text NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  leg text NOT NULL,
  id text NOT NULL,
  commit text NOT NULL,
  branch text,
  outcome text NOT NULL CHECK (outcome IN ('passed', 'failed', 'error', 'skipped', 'flaky')),
  duration double precision,
  time timestamptz NOT NULL,
  signatures text[],
  PRIMARY KEY (run, attempt, leg, id)
);
-- A table made before failures had signatures gets the column.
ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS signatures text[];
CREATE INDEX IF NOT EXISTS ${TABLE}_time ON ${TABLE} (time);`;

const BATCH = 5_000;

// The columns of a history entry, with their Postgres types, in one order for every query.
const COLUMNS = [
  ['id', 'text'],
  ['leg', 'text'],
  ['commit', 'text'],
  ['branch', 'text'],
  ['run', 'text'],
  ['attempt', 'integer'],
  ['outcome', 'text'],
  ['duration', 'double precision'],
  ['time', 'timestamptz'],
  ['signatures', 'text[]'],
] as const satisfies ReadonlyArray<readonly [keyof HistoryEntry, string]>;
const NAMES = COLUMNS.map(([name]) => name).join(', ');
// unnest() takes one-dimensional arrays, one per column: each row's signatures travel as
// one array literal ({sig1:…,sig1:…}; a signature holds no comma, brace or quote), cast
// back to text[] on the way in.
const UNNEST = COLUMNS.map(([, type], n) =>
  type === 'text[]' ? `$${n + 1}::text[]` : `$${n + 1}::${type}[]`,
).join(', ');
const ROW = COLUMNS.map(([name, type]) => (type === 'text[]' ? `${name}::text[]` : name)).join(
  ', ',
);

/**
 * History in Postgres: one row per test outcome per run attempt, the table created on
 * first use. An append is one transaction (its rows and the window cut); recording the
 * same run attempt twice keeps the first rows.
 */
export class PostgresStore implements HistoryStore {
  private pool: pg.Pool | undefined;
  private ready: Promise<void> | undefined;
  readonly name: string;

  constructor(private readonly url: string) {
    // Never print a password.
    this.name = redactUrl(url);
  }

  async *read(since: string): AsyncGenerator<HistoryEntry[]> {
    await this.schema();
    const client = await this.connect();
    const { default: Cursor } = await import('pg-cursor');
    try {
      const cursor = client.query(
        new Cursor(`SELECT ${NAMES} FROM ${TABLE} WHERE time >= $1`, [since]),
      );
      for (;;) {
        const rows = (await cursor.read(BATCH)) as Row[];
        if (rows.length === 0) break;
        yield rows.map(fromRow);
      }
      await cursor.close();
    } finally {
      client.release();
    }
  }

  async append(entries: HistoryEntry[], since: string): Promise<void> {
    await this.schema();
    await this.transaction(async (client) => {
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        await client.query(
          `INSERT INTO ${TABLE} (${NAMES}) SELECT ${ROW} FROM unnest(${UNNEST}) AS u(${NAMES}) ON CONFLICT DO NOTHING`,
          COLUMNS.map(([name]) =>
            batch.map((entry) =>
              name === 'signatures'
                ? entry.signatures?.length
                  ? `{${entry.signatures.join(',')}}`
                  : null
                : (entry[name] ?? null),
            ),
          ),
        );
      }
      await client.query(`DELETE FROM ${TABLE} WHERE time < $1`, [since]);
    });
  }

  async prune(since: string): Promise<number> {
    await this.schema();
    const client = await this.connect();
    try {
      const result = await client.query(`DELETE FROM ${TABLE} WHERE time < $1`, [since]);
      return result.rowCount ?? 0;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }

  private schema(): Promise<void> {
    this.ready ??= this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(CREATE);
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
        ? `grant the user CREATE and INSERT on the database, or create ${TABLE} as another user`
        : 'check the database user and its rights',
    );
  }
}

interface Row {
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
}

function fromRow(row: Row): HistoryEntry {
  return {
    id: row.id,
    leg: row.leg,
    commit: row.commit,
    ...(row.branch === null ? {} : { branch: row.branch }),
    run: row.run,
    attempt: row.attempt,
    outcome: row.outcome,
    ...(row.signatures === null ? {} : { signatures: row.signatures }),
    ...(row.duration === null ? {} : { duration: row.duration }),
    time: row.time.toISOString(),
  };
}
