export { applyQuarantine, TOOL } from './filter.js';
export type { FilterOptions, QuarantineMark } from './filter.js';
// The ledger's format is the kernel's: every stage reads it.
export { parseLedger, formatLedger, readLedgerFile } from '@testgate/stream';
export { addEntry, removeEntry, listEntries, formatList } from './entries.js';
export type { AddRequest, ListedEntry } from './entries.js';
export { selectArgs, activeEntries } from './select.js';
export type { Lane, Runner, SelectOptions } from './select.js';
