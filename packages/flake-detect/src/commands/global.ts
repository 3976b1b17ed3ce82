import { opt } from '@testgate/stream';
import { openStore } from '../stores/open-store.js';
import type { HistoryStore } from '../stores/store.js';

/** The options every command takes. */
export const globalOptions = {
  history: opt.text({
    default: '.testgate/history',
    describe: 'The history: a folder, a .jsonl file, or a postgres:// URL',
  }),
  window: opt.timeSpan({ default: '30d', describe: 'How far back the history counts (h, d or w)' }),
};

/** Runs `use` on the store at `path`, closed whatever happens. */
export async function withStore(
  path: string,
  cwd: string,
  use: (store: HistoryStore) => Promise<number>,
): Promise<number> {
  const store = openStore(path, cwd);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
