import { UsageError } from '@testgate/stream';
import type { HistoryQuery } from './detect.js';
import { HistoryIndex, type OutageOptions } from './history-index.js';
import type { HistoryStore } from './stores/store.js';

/**
 * Reads a store's window into an index, leaving out the run attempt being classified. A
 * run id the history holds with another commit is refused: its entries would be taken for
 * this run's and left out, and a later run would pair two commits as one run.
 */
export async function loadHistory(
  store: HistoryStore,
  query: HistoryQuery,
  outage: OutageOptions = {},
): Promise<HistoryIndex> {
  const index = new HistoryIndex(outage);
  const { run, attempt, commit } = query.current;
  for await (const batch of store.read(query.since))
    for (const entry of batch) {
      if (entry.run !== run) index.add(entry);
      else if (entry.commit !== commit)
        throw new UsageError(
          `run id ${JSON.stringify(run)} is already in the history (${store.name}) with commit ${entry.commit}, and this run tests ${commit}`,
          'give every run its own id: CI sets one; locally pass junit-merge a unique --run-id, e.g. --run-id "local-$(date +%s)"',
        );
      else if (entry.attempt !== attempt) index.add(entry);
    }
  return index;
}
