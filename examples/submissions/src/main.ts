#!/usr/bin/env node
// `node dist/main.js api|worker`: one image, either service by command. Configuration
// from the environment: DATABASE_URL, REDIS_URL, PORT (api), COMMIT (api's /version).
import { startApi } from './api.js';
import { migrate } from './migrate.js';
import { redisQueue } from './queue.js';
import { postgresStore } from './store.js';
import { Worker } from './worker.js';

const log = (event: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`submissions: ${name} is not set\n`);
    process.exit(2);
  }
  return value;
}

const role = process.argv[2];
if (role !== 'api' && role !== 'worker') {
  process.stderr.write('usage: main.js api|worker\n');
  process.exit(2);
}
const databaseUrl = required('DATABASE_URL');
const redisUrl = required('REDIS_URL');
const applied = await migrate(databaseUrl);
if (applied.length > 0) log({ event: 'migrated', applied });
const store = postgresStore(databaseUrl);
const queue = redisQueue(redisUrl);
let stop: () => Promise<void>;
if (role === 'api') {
  const { server, port } = await startApi(
    { store, queue, commit: process.env.COMMIT ?? 'unknown' },
    Number(process.env.PORT ?? 3000),
    process.env.HOST ?? '0.0.0.0',
  );
  log({ event: 'listening', port });
  stop = () => new Promise((resolve) => server.close(() => resolve()));
} else {
  const worker = new Worker(store, queue, { log });
  worker.start();
  log({ event: 'working' });
  stop = () => worker.stop();
}
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    void stop()
      .then(() => Promise.all([store.close(), queue.close()]))
      .finally(() => process.exit(0));
  });
