import { defineTool } from '@testgate/stream';
import { detectCommand } from './commands/detect.js';
import { globalOptions } from './commands/global.js';
import { historyCommand } from './commands/history.js';
import { TOOL } from './detect.js';

/** Runs flake-detect with `argv` (without node and script) against the given process I/O. */
export const main = defineTool({
  name: TOOL,
  usage: `flake-detect [stream] [--history PATH|postgres://...] [--record] [--window 30d]
flake-detect history --prune|--export [--history ...]

Labels every test of a testgate stream flaky, suspect, broken, new or stable, with the
evidence: retries in this run, reruns of the same commit, and the history window.`,
  options: globalOptions,
  commands: [detectCommand, historyCommand],
  epilogue: 'Exit codes: 0 done, 2 usage error, unusable stream or history.',
});
