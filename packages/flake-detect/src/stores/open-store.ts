import { resolve } from 'node:path';
import { FileStore } from './file-store.js';
import { SingleFileStore } from './single-file-store.js';
import { PostgresStore } from './postgres-store.js';
import { type HistoryStore, isPostgresLocation } from './store.js';

/**
 * The store at `location`: a postgres:// URL, a file ending in .jsonl, or a folder
 * (paths relative to `cwd`).
 */
export function openStore(location: string, cwd: string): HistoryStore {
  if (isPostgresLocation(location)) return new PostgresStore(location);
  return location.endsWith('.jsonl')
    ? new SingleFileStore(resolve(cwd, location), location)
    : new FileStore(resolve(cwd, location), location);
}
