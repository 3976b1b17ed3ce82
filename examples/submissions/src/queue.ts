import { Redis } from 'ioredis';

export const QUEUE_KEY = 'submissions:queue';

/** The work queue: the api pushes ids, workers pop them. */
export interface Queue {
  push(id: string): Promise<void>;
  /** The next id, waiting up to `seconds`; undefined when none came. */
  pop(seconds: number): Promise<string | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The queue in a Redis list. ioredis reconnects after a restart and keeps retrying; a
 * command sent while it is down fails fast instead of waiting forever, so the worker's
 * loop sees the error and tries again.
 */
export function redisQueue(url: string): Queue {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  redis.on('error', () => {});
  // A blocking pop holds its connection: it gets one of its own.
  const blocking = redis.duplicate();
  blocking.on('error', () => {});
  return {
    async push(id) {
      await redis.lpush(QUEUE_KEY, id);
    },
    async pop(seconds) {
      const popped = await blocking.brpop(QUEUE_KEY, seconds);
      return popped?.[1];
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
      blocking.disconnect();
    },
  };
}
