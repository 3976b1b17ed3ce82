/** The Postgres and Redis a suite runs against: the pipeline gives their URLs. */
export function serviceUrls(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl)
    throw new Error(
      'DATABASE_URL and REDIS_URL must point at a Postgres and a Redis for this suite (npm run demo starts throwaway ones)',
    );
  return { databaseUrl, redisUrl };
}

/** Polls `check` until it gives a value, for at most `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
