import { access } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Runs `body` holding a lock on `path` (a lock folder at `lockfilePath`, so that it works
 * on any file system CI mounts); with `wait: false`, undefined when another process holds
 * it. Every writer of a shared file (the history, the quarantine ledger) takes it around
 * its read, change and rename, so that none loses what another wrote.
 */
export async function withLock<T>(
  path: string,
  lockfilePath: string,
  wait: boolean,
  body: () => Promise<T>,
): Promise<T | undefined> {
  // The lock's folder must exist: the lock would otherwise retry a minute on ENOENT.
  await access(dirname(lockfilePath));
  const { default: lockfile } = await import('proper-lockfile');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      lockfilePath,
      realpath: false,
      stale: 30_000,
      retries: wait ? { retries: 60, minTimeout: 100, maxTimeout: 1000 } : 0,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED' && !wait) return undefined;
    throw error;
  }
  try {
    return await body();
  } finally {
    await release();
  }
}
