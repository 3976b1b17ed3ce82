export type * from './generated/types.js';
export type { QuarantineLedger, QuarantineEntry } from './generated/quarantine-types.js';
export type { HistoryEntry } from './generated/history-types.js';
export type {
  HistoryStateHeader,
  HistoryStateLeg,
  HistoryStateLine,
  HistoryStateRun,
  HistoryStateTest,
} from './generated/history-state-types.js';
export type {
  VerdictDocument,
  VerdictCounts,
  VerdictLeg,
  Finding,
  TestRef,
  ExcusedTest,
} from './generated/verdict-types.js';
export {
  ExitCode,
  ExitError,
  UsageError,
  InputError,
  ValueError,
  echo,
  formatError,
  formatPlace,
  usageFor,
} from './errors.js';
export type { Place } from './errors.js';
export {
  STREAM_VERSION,
  validateHistoryEntry,
  validateHistoryStateLine,
  validateQuarantineLedger,
  validateRecord,
  validateVerdict,
} from './validate.js';
export type { Validation } from './validate.js';
export { asOneStream, readLineBatches, readRecords } from './read-stream.js';
export type { ReadOptions } from './read-stream.js';
export { RecordWriter, PipeClosedError, toJsonLine } from './write-stream.js';
export type { WriterOptions } from './write-stream.js';
export {
  runMain,
  processIo,
  parseArguments,
  withHouseRules,
  openStreamInput,
  cleanupOnSignal,
} from './cli-runtime.js';
export type { CliIo, ArgumentParser, HouseRulesParser } from './cli-runtime.js';
export { oneLine, stderrColors, sanitizeForTerminal } from './terminal.js';
export type { Colors } from './terminal.js';
export { parseExpectedLegs, readExpectedLegs } from './expected-legs.js';
export type { ExpectedLeg } from './expected-legs.js';
export { globMatcher } from './glob.js';
export { replacingFile, writeFileAtomically } from './atomic-write.js';
export type { ReplacingFile } from './atomic-write.js';
export { formatTimeSpan, parseTimeSpan } from './time-span.js';
export { attemptsSummary, failureSignatures, foldOutcome, NO_SIGNATURE } from './outcome.js';
export { withLock } from './lock.js';
export { redactUrl, redactUrls } from './redact.js';
export { shellQuote } from './shell-quote.js';
export { savedStreamFiles } from './saved-streams.js';
export { command, defineTool } from './define-tool.js';
export type { Command, ToolArgs } from './define-tool.js';
export * as opt from './option-kinds.js';
export type { OptionKind } from './option-kinds.js';
export { formatLedger, parseLedger, readLedgerFile } from './ledger.js';
export { compileLedger } from './ledger-match.js';
export type { CompiledEntry } from './ledger-match.js';
export { addDays, daysBetween, isCalendarDate, utcDay } from './dates.js';
