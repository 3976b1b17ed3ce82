// The library is what the CLI runs: find the legs, merge them, write the stream.
export { TOOL } from './merge.js';
export type { LegSources } from './merge.js';
export { mergeRun, streamRecords, writeStream } from './merge-run.js';
export type { MergeOptions, MergedRun } from './merge-run.js';
export type { LegOutput, LinesPiece } from './legs-in-order.js';
export { fileSource } from './read-report.js';
export type { ReportSource } from './read-report.js';
export { groupByLeg } from './legs.js';
export { toJunitXml } from './junit-xml.js';
export type { RunMetadata } from './run-metadata.js';
