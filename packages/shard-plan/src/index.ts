export { planShards, MAX_SHARDS } from './plan.js';
export type { Plan, PlanOptions, PlannedUnit, Shard } from './plan.js';
export { readTestList, splitsFiles, RUNNERS } from './test-list.js';
export type { ListedTest, Runner } from './test-list.js';
export { medianTimings, streamRun, historyRuns } from './timings.js';
export type { TimedRun, TimedTest, Timings } from './timings.js';
export { formatPlan, FORMATS } from './output.js';
export type { Format } from './output.js';
export { readPlanFile } from './plan-file.js';
