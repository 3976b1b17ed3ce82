import type { HistoryQuery } from './detect.js';
import { HistoryIndex, type OutageOptions } from './history-index.js';
import type { HistoryStore } from './stores/store.js';

/** Reads a store's window into an index, leaving out the run attempt being classified. */
export async function loadHistory(
  store: HistoryStore,
  query: HistoryQuery,
  outage: OutageOptions = {},
): Promise<HistoryIndex> {
  const index = new HistoryIndex(outage);
  const { run, attempt } = query.current;
  for await (const batch of store.read(query.since))
    for (const entry of batch) if (entry.run !== run || entry.attempt !== attempt) index.add(entry);
  return index;
}
