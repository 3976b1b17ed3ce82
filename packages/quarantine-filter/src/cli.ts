import { defineTool } from '@testgate/stream';
import { addCommand } from './commands/add.js';
import { checkCommand } from './commands/check.js';
import { globalOptions } from './commands/global.js';
import { listCommand } from './commands/list.js';
import { markCommand } from './commands/mark.js';
import { removeCommand } from './commands/remove.js';
import { selectCommand } from './commands/select.js';
import { TOOL } from './filter.js';

/** Runs quarantine-filter with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `quarantine-filter [stream] --file quarantine.json [options]
quarantine-filter <add|remove|list|check|select> [options]

Marks quarantined tests in a testgate stream: they still run and show, but their failures
no longer block, until their deadline. The commands keep the ledger.`,
  options: globalOptions,
  commands: [markCommand, addCommand, removeCommand, listCommand, selectCommand, checkCommand],
  epilogue:
    'Exit codes: 0 done, 1 check found overdue entries, 2 usage error or unusable ledger or stream.',
});
