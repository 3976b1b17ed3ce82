import { describe, expect, it } from 'vitest';
import { Worker } from '../../src/index.js';
import { memoryQueue, memoryStore } from '../fakes.js';

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('worker', () => {
  it('drains the queue: each queued submission ends done or failed with a reason', async () => {
    const store = memoryStore();
    const queue = memoryQueue();
    const ok = await store.insertQueued({ author: 'a', language: 'python', source: 'print(1)' });
    const empty = await store.insertQueued({ author: 'b', language: 'python', source: '' });
    await queue.push(ok);
    await queue.push(empty);
    const worker = new Worker(store, queue, { popSeconds: 0, sweepMs: 60_000 });
    worker.start();
    await until(() => worker.processed === 2);
    await worker.stop();
    expect(store.rows.get(ok)).toMatchObject({
      status: 'done',
      result: { lines: 1, blank: 0, comments: 0 },
    });
    expect(store.rows.get(empty)).toMatchObject({
      status: 'failed',
      reason: 'the source is empty',
    });
  });

  it('never processes a submission twice (a duplicate queue message)', async () => {
    const store = memoryStore();
    const queue = memoryQueue();
    const id = await store.insertQueued({ author: 'a', language: 'go', source: 'x' });
    await queue.push(id);
    await queue.push(id);
    const worker = new Worker(store, queue, { popSeconds: 0, sweepMs: 60_000 });
    worker.start();
    await until(() => queue.items.length === 0);
    await worker.stop();
    expect(worker.processed).toBe(1);
  });

  it('keeps going while the queue is down, and sweeps up rows whose message was lost', async () => {
    const store = memoryStore();
    const queue = memoryQueue();
    const events: string[] = [];
    queue.down = true;
    const id = await store.insertQueued({ author: 'a', language: 'go', source: 'x' });
    const worker = new Worker(store, queue, {
      popSeconds: 0,
      sweepMs: 20,
      backoffMs: 5,
      log: (e) => events.push(String(e.event)),
    });
    worker.start();
    await until(() => events.includes('retrying'));
    queue.down = false;
    await until(() => store.rows.get(id)?.status === 'done');
    await worker.stop();
    expect(events).toContain('processed');
  });
});
