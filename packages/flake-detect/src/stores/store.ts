import type { HistoryEntry } from '@testgate/stream';
import type { HistoryState } from '../history-state.js';

/** Where flake-detect keeps its history: a folder of JSON Lines, or Postgres. */
export interface HistoryStore {
  /**
   * The per-test state of the window (from `since`, ISO 8601): of the given tests (id, leg)
   * only where the store can choose, of every test without them.
   */
  state(since: string, tests?: Array<[id: string, leg: string]>): Promise<HistoryState>;
  /** Records entries and drops what fell out of the window (before `since`). */
  append(entries: HistoryEntry[], since: string): Promise<void>;
  /** Drops every entry before `since`; resolves to how many were dropped. */
  prune(since: string): Promise<number>;
  /** Where the store is, for messages (never with a password). */
  readonly name: string;
  close(): Promise<void>;
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}
