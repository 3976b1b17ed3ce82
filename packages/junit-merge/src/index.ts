export { ReportParser } from './parse-report.js';
export { XmlScanner, decodeEntities } from './xml-scanner.js';
export type { XmlEvents } from './xml-scanner.js';
export type { ParseOptions } from './parse-report.js';
export { readReport, fileSource } from './read-report.js';
export type { ReportSource } from './read-report.js';
export { detectEncoding } from './decode.js';
export { parseTime } from './duration.js';
export { normaliseTimestamp } from './timestamp.js';
export { testId } from './identity.js';
export { DIALECTS, dialectNamed } from './dialects/index.js';
export type { Dialect, Detection, DetectContext, RepeatReading } from './dialects/index.js';
export { reportRuns } from './rerun-layout.js';
export type { ReportRun } from './rerun-layout.js';
export { LegFolder, foldLeg } from './fold.js';
export { foldOutcome } from '@testgate/stream';
export type { LegBatch, LegInput } from './fold.js';
export { groupByLeg } from './legs.js';
export { parseExpectedLegs } from '@testgate/stream';
export type { ExpectedLeg } from '@testgate/stream';
export { mergeLegs, TOOL } from './merge.js';
export type { LegSources, MergeOptions, MergedLeg } from './merge.js';
export { runRecord, runFromEnvironment } from './run-metadata.js';
export type { RunMetadata } from './run-metadata.js';
export { toJunitXml } from './junit-xml.js';
export type {
  DiagnosticDraft,
  ParsedCase,
  ParsedReport,
  ParsedResult,
  Producer,
  ResultKind,
} from './model.js';
