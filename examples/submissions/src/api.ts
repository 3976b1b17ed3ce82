import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Queue } from './queue.js';
import type { SubmissionStore } from './store.js';
import { validateSubmission } from './validate.js';

export interface ApiDeps {
  store: SubmissionStore;
  queue: Queue;
  /** The commit this build came from, for /version. */
  commit: string;
}

const MAX_BODY = 128 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(`HTTP ${status}`);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, { errors: ['send the body as application/json'] });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY)
      throw new HttpError(413, { errors: [`the body is over ${MAX_BODY} bytes`] });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, { errors: ['the body is not valid JSON'] });
  }
}

/** The api's request handler: submissions in, their status out, health and version. */
export function apiHandler({ store, queue, commit }: ApiDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://api');
    try {
      if (url.pathname === '/healthz' && req.method === 'GET') {
        try {
          await Promise.all([store.ping(), queue.ping()]);
          return send(res, 200, { ok: true });
        } catch (error) {
          return send(res, 503, { ok: false, error: (error as Error).message });
        }
      }
      if (url.pathname === '/version' && req.method === 'GET') return send(res, 200, { commit });
      if (url.pathname === '/submissions' && req.method === 'POST') {
        const checked = validateSubmission(await readJson(req));
        if (!checked.ok) return send(res, 400, { errors: checked.errors });
        const id = await store.insertQueued(checked.value);
        // The row is durable before the id is queued: if the push fails, the worker's
        // sweep of queued rows still finds it.
        await queue.push(id).catch(() => {});
        return send(res, 201, { id, status: 'queued' }, { location: `/submissions/${id}` });
      }
      const match = /^\/submissions\/([^/]+)$/.exec(url.pathname);
      if (match && req.method === 'GET') {
        const submission = await store.get(decodeURIComponent(match[1]!));
        return submission
          ? send(res, 200, submission)
          : send(res, 404, { errors: [`no submission ${match[1]}`] });
      }
      return send(res, 404, { errors: [`no route ${req.method} ${url.pathname}`] });
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, error.body);
      return send(res, 500, { errors: ['internal error'] });
    }
  };
}

/** The api as an HTTP server, listening on `port` (0: a free one) on 127.0.0.1 by default. */
export async function startApi(
  deps: ApiDeps,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => void apiHandler(deps)(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}
