import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, startRedis } from '../../../../scripts/services.mjs';

// The built worker as a process, against a throwaway Postgres and Redis of its own that
// are killed and started again under it: submissions queued after each restart still get
// processed. (Not a pipeline leg: CI's service containers cannot be restarted by a test.)
const app = join(dirname(fileURLToPath(import.meta.url)), '../..');
let postgres: Awaited<ReturnType<typeof startPostgres>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let worker: ChildProcess;
let db: pg.Client;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  worker = spawn(process.execPath, [join(app, 'dist/main.js'), 'worker'], {
    env: { PATH: process.env.PATH, DATABASE_URL: postgres.url, REDIS_URL: redis.url },
    stdio: 'ignore',
  });
}, 60_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await db?.end().catch(() => {});
  redis?.stop();
  postgres?.stop();
});

async function connect(): Promise<pg.Client> {
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: postgres.url });
    try {
      await client.connect();
      // The worker migrates at start.
      await client.query('SELECT 1 FROM submissions LIMIT 1');
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Queues a submission as the api does (a row, then its id on the list) and waits for the worker. */
async function processed(): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO submissions (author, language, source) VALUES ('r', 'go', 'package main') RETURNING id",
  );
  const id = String(rows[0]!.id);
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  await client.lpush('submissions:queue', id);
  client.disconnect();
  const end = Date.now() + 15_000;
  for (;;) {
    const { rows: now } = await db.query<{ status: string }>(
      'SELECT status FROM submissions WHERE id = $1',
      [id],
    );
    if (now[0]!.status !== 'queued') return now[0]!.status;
    if (Date.now() > end) return 'still queued';
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the worker', () => {
  it('processes submissions, and goes on after Redis and then Postgres were restarted under it', async () => {
    db = await connect();
    expect(await processed()).toBe('done');
    await redis.restart();
    expect(await processed()).toBe('done');
    await db.end();
    postgres.restart();
    db = await connect();
    expect(await processed()).toBe('done');
    expect(worker.exitCode).toBeNull();
  }, 90_000);
});
