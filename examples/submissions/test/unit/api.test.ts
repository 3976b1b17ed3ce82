import { describe, expect, it } from 'vitest';
import { apiHandler } from '../../src/index.js';
import { call, memoryQueue, memoryStore } from '../fakes.js';

function api() {
  const store = memoryStore();
  const queue = memoryQueue();
  return { store, queue, handler: apiHandler({ store, queue, commit: 'abc123' }) };
}

const valid = { author: 'ada', language: 'python', source: 'print(1)\n' };

describe('api', () => {
  it('queues a valid submission: a queued row, its id on the queue, 201 with its location', async () => {
    const { store, queue, handler } = api();
    const res = await call(handler, 'POST', '/submissions', valid);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: '1', status: 'queued' });
    expect(res.headers.location).toBe('/submissions/1');
    expect(store.rows.get('1')).toMatchObject({ ...valid, status: 'queued' });
    expect(queue.items).toEqual(['1']);
  });

  it('rejects an invalid body with every problem named, and stores nothing', async () => {
    const { store, handler } = api();
    const res = await call(handler, 'POST', '/submissions', { author: '', language: 'cobol' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      'author is required',
      'language must be one of python, javascript, typescript, go',
      'source is required',
    ]);
    expect(store.rows.size).toBe(0);
  });

  it('rejects a body that is not JSON, or not sent as JSON', async () => {
    const { handler } = api();
    expect((await call(handler, 'POST', '/submissions', '{"author":')).status).toBe(400);
    expect(
      (await call(handler, 'POST', '/submissions', 'a=b', 'application/x-www-form-urlencoded'))
        .status,
    ).toBe(415);
  });

  it('keeps the submission when the queue is down: the worker sweep finds the queued row', async () => {
    const { store, queue, handler } = api();
    queue.down = true;
    const res = await call(handler, 'POST', '/submissions', valid);
    expect(res.status).toBe(201);
    expect(store.rows.get('1')?.status).toBe('queued');
  });

  it('returns a submission by id, and 404 for an unknown one', async () => {
    const { handler } = api();
    await call(handler, 'POST', '/submissions', valid);
    const found = await call(handler, 'GET', '/submissions/1');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: '1', author: 'ada', status: 'queued' });
    const missing = await call(handler, 'GET', '/submissions/999');
    expect(missing.status).toBe(404);
  });

  it('answers /healthz while its dependencies answer, 503 when one does not', async () => {
    const { queue, handler } = api();
    expect((await call(handler, 'GET', '/healthz')).status).toBe(200);
    queue.down = true;
    const down = await call(handler, 'GET', '/healthz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ ok: false, error: 'connection refused' });
  });

  it('reports its commit on /version', async () => {
    expect((await call(api().handler, 'GET', '/version')).body).toEqual({ commit: 'abc123' });
  });
});
