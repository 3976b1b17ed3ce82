import { UsageError } from '@testgate/stream';
import type { HistoryQuery } from './detect.js';
import type { HistoryView, OutageOptions } from './history-view.js';
import type { HistoryStore } from './stores/store.js';

/**
 * The store's window as per-test state, and the view labelling reads, the run attempt
 * being classified left out. A run id the history holds with another commit is refused:
 * its entries would be taken for this run's, and a later run would pair two commits as
 * one run.
 */
export async function loadHistory(
  store: HistoryStore,
  query: HistoryQuery,
  outage: OutageOptions = {},
): Promise<HistoryView> {
  const state = await store.state(query.since, query.tests);
  const { run, commit } = query.current;
  for (const held of state.runs.values())
    if (held.run === run && held.commit !== commit)
      throw new UsageError(
        `run id ${JSON.stringify(run)} is already in the history (${store.name}) with commit ${held.commit}, and this run tests ${commit}`,
        'give every run its own id: CI sets one; locally pass junit-merge a unique --run-id, e.g. --run-id "local-$(date +%s)"',
      );
  return state.view(query, outage);
}
