import { BUCKETS, type RunSummary } from './summarize.js';

export type MetricsFormat = 'prometheus' | 'openmetrics';

function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function number(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : 'NaN';
}

/**
 * One run as Prometheus text (or OpenMetrics): per leg its wall time, test time, tests
 * by outcome, quarantined tests and a histogram of test durations. Series are bounded:
 * labels are the leg and the outcome, never a test name or a run id.
 */
export function renderMetrics(run: RunSummary, format: MetricsFormat = 'prometheus'): string {
  const legs = [...run.legs.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, unit?: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    if (unit && format === 'openmetrics') lines.push(`# UNIT ${name} ${unit}`);
  };
  family(
    'testgate_run_start_timestamp_seconds',
    'gauge',
    'When the run started (Unix time).',
    'seconds',
  );
  if (run.startedAt)
    lines.push(`testgate_run_start_timestamp_seconds ${number(Date.parse(run.startedAt) / 1000)}`);
  family(
    'testgate_leg_duration_seconds',
    'gauge',
    'Wall time of the leg as its reports state it.',
    'seconds',
  );
  for (const leg of legs)
    if (leg.wall !== undefined)
      lines.push(`testgate_leg_duration_seconds{leg="${label(leg.name)}"} ${number(leg.wall)}`);
  family(
    'testgate_leg_test_duration_seconds',
    'gauge',
    'Sum of the test durations of the leg (all attempts).',
    'seconds',
  );
  for (const leg of legs)
    lines.push(
      `testgate_leg_test_duration_seconds{leg="${label(leg.name)}"} ${number(leg.testTime)}`,
    );
  family('testgate_leg_tests', 'gauge', 'Tests of the leg by folded outcome.');
  for (const leg of legs) {
    for (const [outcome, count] of Object.entries(leg.outcomes))
      lines.push(`testgate_leg_tests{leg="${label(leg.name)}",outcome="${outcome}"} ${count}`);
  }
  family('testgate_leg_quarantined_tests', 'gauge', 'Tests of the leg under quarantine.');
  for (const leg of legs)
    lines.push(`testgate_leg_quarantined_tests{leg="${label(leg.name)}"} ${leg.quarantined}`);
  family(
    'testgate_test_duration_seconds',
    'histogram',
    'Durations of the tests of the leg.',
    'seconds',
  );
  for (const leg of legs) {
    let cumulative = 0;
    BUCKETS.forEach((bound, i) => {
      cumulative += leg.buckets[i]!;
      lines.push(
        `testgate_test_duration_seconds_bucket{leg="${label(leg.name)}",le="${bound}"} ${cumulative}`,
      );
    });
    cumulative += leg.buckets[BUCKETS.length]!;
    lines.push(
      `testgate_test_duration_seconds_bucket{leg="${label(leg.name)}",le="+Inf"} ${cumulative}`,
    );
    lines.push(
      `testgate_test_duration_seconds_sum{leg="${label(leg.name)}"} ${number(leg.testTime)}`,
    );
    lines.push(`testgate_test_duration_seconds_count{leg="${label(leg.name)}"} ${cumulative}`);
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
