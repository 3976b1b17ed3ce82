import type { Server } from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QUEUE_KEY,
  type Queue,
  type SubmissionStore,
  Worker,
  migrate,
  postgresStore,
  redisQueue,
  startApi,
} from '../../src/index.js';
import { eventually, serviceUrls } from '../services.js';

const { databaseUrl, redisUrl } = serviceUrls();
let store: SubmissionStore;
let queue: Queue;
let server: Server;
let base: string;
const db = new pg.Client({ connectionString: databaseUrl });
const redis = new Redis(redisUrl);

beforeAll(async () => {
  await migrate(databaseUrl);
  store = postgresStore(databaseUrl);
  queue = redisQueue(redisUrl);
  const api = await startApi({ store, queue, commit: 'test' }, 0);
  server = api.server;
  base = `http://127.0.0.1:${api.port}`;
  await db.connect();
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([store.close(), queue.close(), db.end()]);
  redis.disconnect();
});

const submit = (body: object) =>
  fetch(`${base}/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('migrations', () => {
  it('are applied once: a second start applies nothing', async () => {
    expect(await migrate(databaseUrl)).toEqual([]);
    const { rows } = await db.query('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual([
      '001_submissions.sql',
      '002_submissions_status_index.sql',
    ]);
  });
});

describe('api with Postgres and Redis', () => {
  it('writes a queued row and pushes its id to the queue', async () => {
    const res = await submit({ author: 'ada', language: 'python', source: 'print(1)' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const { rows } = await db.query('SELECT author, status FROM submissions WHERE id = $1', [id]);
    expect(rows).toEqual([{ author: 'ada', status: 'queued' }]);
    expect(await redis.lrange(QUEUE_KEY, 0, -1)).toContain(id);
  });
});

describe('worker with Postgres and Redis', () => {
  let worker: Worker;
  beforeAll(() => {
    worker = new Worker(store, queue, { popSeconds: 0.2, sweepMs: 500 });
    worker.start();
  });
  afterAll(() => worker.stop());

  it('drains a submission the api queued and records the result', async () => {
    const res = await submit({ author: 'grace', language: 'go', source: '// hi\npackage main\n' });
    const { id } = (await res.json()) as { id: string };
    const done = await eventually(async () => {
      const r = await fetch(`${base}/submissions/${id}`);
      const body = (await r.json()) as { status: string; result: unknown };
      return body.status === 'queued' ? undefined : body;
    }, 5000);
    expect(done).toMatchObject({ status: 'done', result: { lines: 3, blank: 1, comments: 1 } });
  });

  it('records a submission it cannot grade as failed, with the reason', async () => {
    const res = await submit({ author: 'grace', language: 'go', source: '   ' });
    const { id } = (await res.json()) as { id: string };
    const failed = await eventually(async () => {
      const { rows } = await db.query('SELECT status, reason FROM submissions WHERE id = $1', [id]);
      return rows[0]?.status === 'queued' ? undefined : rows[0];
    }, 5000);
    expect(failed).toEqual({ status: 'failed', reason: 'the source is empty' });
  });

  // Flaky, and quarantined: it reads the submission back right after the api accepted it
  // and expects it still queued, but the worker is running and sometimes gets there first.
  it('shows a new submission as queued right after it is accepted', async () => {
    const res = await submit({ author: 'linus', language: 'python', source: 'x = 1' });
    const { id } = (await res.json()) as { id: string };
    const read = await fetch(`${base}/submissions/${id}`);
    expect(((await read.json()) as { status: string }).status).toBe('queued');
  });
});
