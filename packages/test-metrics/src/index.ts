export { summarizeRun, failedShare, BUCKETS } from './summarize.js';
export type { RunSummary, LegSummary } from './summarize.js';
export { renderMetrics } from './exposition.js';
export type { MetricsFormat } from './exposition.js';
export { checkRegression } from './regression.js';
export type { Comparison, RegressionOptions } from './regression.js';
