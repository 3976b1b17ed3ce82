import pg from 'pg';
import type { Grade } from './grade.js';
import type { NewSubmission } from './validate.js';

export interface Submission extends NewSubmission {
  id: string;
  status: 'queued' | 'done' | 'failed';
  result: unknown;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where submissions live; the api and the worker see it through this interface only. */
export interface SubmissionStore {
  insertQueued(submission: NewSubmission): Promise<string>;
  get(id: string): Promise<Submission | undefined>;
  finish(id: string, grade: Grade): Promise<void>;
  /** Ids still queued, oldest first: what a worker sweeps up after a lost queue message. */
  queued(limit: number): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  id: string;
  author: string;
  language: string;
  source: string;
  status: Submission['status'];
  result: unknown;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The store in Postgres. The pool reconnects by itself after a server restart. */
export function postgresStore(url: string): SubmissionStore {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle client whose server went away must not crash the process.
  pool.on('error', () => {});
  return {
    async insertQueued(s) {
      const { rows } = await pool.query<{ id: string }>(
        'INSERT INTO submissions (author, language, source) VALUES ($1, $2, $3) RETURNING id',
        [s.author, s.language, s.source],
      );
      return rows[0]!.id;
    },
    async get(id) {
      if (!/^\d{1,18}$/.test(id)) return undefined;
      const { rows } = await pool.query<Row>('SELECT * FROM submissions WHERE id = $1', [id]);
      const row = rows[0];
      return (
        row && {
          id: String(row.id),
          author: row.author,
          language: row.language,
          source: row.source,
          status: row.status,
          result: row.result,
          reason: row.reason,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
        }
      );
    },
    async finish(id, grade) {
      await pool.query(
        `UPDATE submissions SET status = $2, result = $3, reason = $4, updated_at = now()
         WHERE id = $1 AND status = 'queued'`,
        [
          id,
          grade.status,
          grade.status === 'done' ? JSON.stringify(grade.result) : null,
          grade.status === 'failed' ? grade.reason : null,
        ],
      );
    },
    async queued(limit) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM submissions WHERE status = 'queued' ORDER BY created_at LIMIT $1`,
        [limit],
      );
      return rows.map((r) => String(r.id));
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
