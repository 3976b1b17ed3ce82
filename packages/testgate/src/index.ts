// Every tool's library under one name; each is also published on its own (@testgate/...).
export * as stream from '@testgate/stream';
export * as junitMerge from '@testgate/junit-merge';
export * as flakeDetect from '@testgate/flake-detect';
export * as quarantineFilter from '@testgate/quarantine-filter';
export * as gateVerdict from '@testgate/gate-verdict';
export * as testMetrics from '@testgate/test-metrics';
export * as shardPlan from '@testgate/shard-plan';
