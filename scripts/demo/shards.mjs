// The demo's unit shards, planned by shard-plan as the workflow's plan job does: the unit
// tests vitest lists, weighed by the runs the demo recorded before on this branch (equal
// file counts when there is none yet).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { medianTimings, planShards, readTestList, streamRun } from '@testgate/shard-plan';
import { UNIT_PROJECTS } from './legs.mjs';

/** The plan, and one line saying what it is. */
export async function planUnitShards({ node, vitestBin, appDir, runs, branch, shards }) {
  const listed = spawnSync(
    node,
    [vitestBin, 'list', '--filesOnly', ...UNIT_PROJECTS.flatMap((p) => ['--project', p])],
    { cwd: appDir, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } },
  );
  if (listed.status !== 0) throw new Error(`vitest list failed: ${listed.stderr}`);
  const tests = readTestList(listed.stdout, 'vitest', appDir, 'vitest list');
  const files = existsSync(runs) ? readdirSync(runs).filter((f) => f.endsWith('.jsonl')) : [];
  const recorded = [];
  for (const file of files)
    recorded.push(await streamRun(createReadStream(join(runs, file)), file));
  const timings = medianTimings(
    recorded,
    tests.map((t) => t.file),
    { branch, last: 10 },
  );
  const plan = planShards(tests, timings, { runner: 'vitest', name: 'unit', shards });
  const from =
    timings.runs === 0
      ? 'no recorded run yet: equal file counts'
      : `the median of ${timings.runs} recorded run(s)`;
  const each = plan.shards.map(
    (s) =>
      `${s.name}${s.planned === undefined ? '' : ` ${s.planned.toFixed(2)} s`} (${s.args.length} files)`,
  );
  return {
    shards: plan.shards,
    summary: `unit tests in ${plan.shards.length} shards from ${from}: ${each.join(', ')}`,
  };
}
