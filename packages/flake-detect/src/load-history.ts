import { UsageError } from '@testgate/stream';
import type { HistoryQuery } from './detect.js';
import { HistoryState } from './history-state.js';
import type { HistoryView, OutageOptions } from './history-view.js';
import type { HistoryStore } from './stores/store.js';

/**
 * Reads a store's window into per-test state and gives the view labelling reads, the run
 * attempt being classified left out. A run id the history holds with another commit is
 * refused: its entries would be taken for this run's, and a later run would pair two
 * commits as one run.
 */
export async function loadHistory(
  store: HistoryStore,
  query: HistoryQuery,
  outage: OutageOptions = {},
): Promise<HistoryView> {
  const state = new HistoryState();
  const { run, commit } = query.current;
  for await (const batch of store.read(query.since)) {
    for (const entry of batch)
      if (entry.run === run && entry.commit !== commit)
        throw new UsageError(
          `run id ${JSON.stringify(run)} is already in the history (${store.name}) with commit ${entry.commit}, and this run tests ${commit}`,
          'give every run its own id: CI sets one; locally pass junit-merge a unique --run-id, e.g. --run-id "local-$(date +%s)"',
        );
    state.add(batch);
  }
  return state.view(query, outage);
}
