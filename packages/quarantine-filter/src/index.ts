export { applyQuarantine, TOOL } from './filter.js';
export type { FilterOptions, QuarantineMark } from './filter.js';
export { parseLedger, formatLedger } from './ledger.js';
export { compileLedger } from './match.js';
export type { CompiledEntry } from './match.js';
export { addEntry, removeEntry, listEntries, formatList } from './commands.js';
export type { AddRequest, ListedEntry } from './commands.js';
export { isCalendarDate, daysBetween, addDays, utcDay } from './dates.js';
