import { resolve } from 'node:path';
import { FileStore } from './file-store.js';
import { PostgresStore } from './postgres-store.js';
import { type HistoryStore, isPostgresLocation } from './store.js';

/** The store at `location`: a postgres:// URL, or a folder (relative to `cwd`). */
export function openStore(location: string, cwd: string): HistoryStore {
  return isPostgresLocation(location)
    ? new PostgresStore(location)
    : new FileStore(resolve(cwd, location), location);
}
