import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Grade, Queue, Submission, SubmissionStore } from '../src/index.js';

/** The store in memory, for unit tests. */
export function memoryStore(): SubmissionStore & { rows: Map<string, Submission> } {
  const rows = new Map<string, Submission>();
  let next = 1;
  return {
    rows,
    async insertQueued(s) {
      const id = String(next++);
      const now = new Date(0).toISOString();
      rows.set(id, {
        ...s,
        id,
        status: 'queued',
        result: null,
        reason: null,
        createdAt: now,
        updatedAt: now,
      });
      return id;
    },
    async get(id) {
      return rows.get(id);
    },
    async finish(id: string, grade: Grade) {
      const row = rows.get(id);
      if (!row || row.status !== 'queued') return;
      row.status = grade.status;
      if (grade.status === 'done') row.result = grade.result;
      else row.reason = grade.reason;
    },
    async queued(limit) {
      return [...rows.values()]
        .filter((r) => r.status === 'queued')
        .slice(0, limit)
        .map((r) => r.id);
    },
    async ping() {},
    async close() {},
  };
}

/** The queue in memory; an empty pop waits a moment, as a blocking pop would. */
export function memoryQueue(): Queue & { items: string[]; down: boolean } {
  const queue = {
    items: [] as string[],
    down: false,
    async push(id: string) {
      if (queue.down) throw new Error('connection refused');
      queue.items.unshift(id);
    },
    async pop() {
      if (queue.down) throw new Error('connection refused');
      if (queue.items.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      return queue.items.pop();
    },
    async ping() {
      if (queue.down) throw new Error('connection refused');
    },
    async close() {},
  };
  return queue;
}

/** Calls a request handler in memory, without a socket. */
export async function call(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  method: string,
  url: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> & { errors?: string[] };
}> {
  const raw =
    body === undefined ? [] : [Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))];
  const req = Object.assign(Readable.from(raw), {
    method,
    url,
    headers: body === undefined ? {} : { 'content-type': contentType },
  }) as unknown as IncomingMessage;
  let status = 0;
  let headers: Record<string, string> = {};
  let text = '';
  const res = {
    writeHead(s: number, h: Record<string, string>) {
      status = s;
      headers = h;
    },
    end(t: string) {
      text = t;
    },
  } as unknown as ServerResponse;
  await handler(req, res);
  return { status, headers, body: JSON.parse(text) };
}
