#!/usr/bin/env node
// `npm run demo`: the reference pipeline of examples/submissions on this machine, as the
// GitHub workflow runs it: unit legs per service on Node 22, 24 and 26, integration against
// throwaway Postgres and Redis, an e2e smoke against a preview of the built app, the
// quarantine lane; then junit-merge | flake-detect | quarantine-filter | gate-verdict. The
// unit tests run in shards shard-plan plans from the runs recorded before (equal file
// counts the first time), and the gate shows planned against measured time.
// Usage: npm run demo -- [--node 24[,26]] [--shards N] [--serial] [--break] [--jobs N]
//        [--out DIR] [--history DIR]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanupAll, cleanupOnSignals, onCleanup } from './demo/cleanup.mjs';
import { pipelineLegs } from './demo/legs.mjs';
import { nodeBinary } from './node-runtime.mjs';
import { missingServices } from './services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'examples/submissions');
const SUPPORTED = [22, 24, 26];

const USAGE =
  'usage: npm run demo -- [--node 24[,26]] [--shards N] [--serial] [--break] [--jobs N]';
/** Recorded runs the shard plan reads, the newest first. */
const KEPT_RUNS = 20;

class DemoError extends Error {}

/** Refuses to start: nothing to clean up yet. */
function refuse(message) {
  process.stderr.write(`demo: ${message}\n`);
  process.exit(2);
}

/** Stops the demo with a message: before anything started, at once; later, after cleanup. */
function fail(message) {
  throw new DemoError(message);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      node: { type: 'string', multiple: true },
      shards: { type: 'string', default: '2' },
      serial: { type: 'boolean', default: false },
      break: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      out: { type: 'string' },
      history: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  refuse(`${error.message}\n${USAGE}`);
}
if (options.help) {
  process.stdout.write(
    `${USAGE}\n` +
      '  --node     the Node lines of the unit legs (default: 22,24,26)\n' +
      '  --shards   the unit tests in this many shards, planned from the recorded runs (default: 2)\n' +
      '  --serial   run the legs one after another, for comparison\n' +
      '  --break    apply a real regression (examples/submissions/regression.patch): the gate goes red\n' +
      '  --jobs     legs at a time (default: the CPU count)\n' +
      '  --out      where the reports go (default: reports/demo)\n' +
      '  --history  the flake history folder (default: .testgate/demo-history; the recorded\n' +
      '             runs the shard plan reads go beside it, in <history>-runs)\n',
  );
  process.exit(0);
}
const majors = (options.node ?? ['22,24,26']).flatMap((v) => v.split(',')).map(Number);
for (const major of majors)
  if (!SUPPORTED.includes(major))
    refuse(`--node ${major}: the supported lines are ${SUPPORTED.join(', ')}`);
const shardCount = Number(options.shards);
if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 16)
  refuse(`--shards must be a whole number from 1 to 16, got ${options.shards}`);
const concurrency = options.serial ? 1 : Number(options.jobs ?? availableParallelism());
if (!(concurrency >= 1)) refuse(`--jobs must be a number of legs, got ${options.jobs}`);
const missing = missingServices();
if (missing)
  refuse(
    `the integration and e2e legs need Postgres and Redis binaries: ${missing} (Debian), or run the workflow's Docker setup`,
  );

const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 2);
// Only now is the workspace installed and built (a fresh clone has neither): what needs
// its packages is loaded after the setup.
const { parseLedger, selectArgs } = await import('@testgate/quarantine-filter');
const { utcDay } = await import('@testgate/stream');
const { legLine, runLegs } = await import('./demo/schedule.mjs');
const { planUnitShards } = await import('./demo/shards.mjs');

cleanupOnSignals();
const reports = resolve(options.out ?? join(root, 'reports/demo'));
const history = resolve(options.history ?? join(root, '.testgate/demo-history'));
const recordedRuns = `${history}-runs`;
const artifacts = join(reports, 'artifacts');
const logs = join(reports, 'logs');
// Only what the demo writes there is replaced: --out may name a folder with other things.
for (const dir of [artifacts, logs]) rmSync(dir, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
mkdirSync(logs, { recursive: true });

const git = (...args) =>
  spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() || undefined;
// The commit the code is: HEAD, marked when the tree differs from it, so that history
// never pairs runs of different code as reruns of one commit.
let commit = git('rev-parse', '--short=12', 'HEAD') ?? 'local';
const changed = [
  spawnSync('git', ['diff', 'HEAD', '--', 'examples/submissions'], { cwd: root }).stdout ?? '',
  ...(git('ls-files', '--others', '--exclude-standard', '--', 'examples/submissions') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((file) => readFileSync(join(root, file))),
];
if (changed.some((part) => part.length > 0))
  commit += `-dirty-${hash(Buffer.concat(changed.map((p) => Buffer.from(p))))}`;
const branch = git('rev-parse', '--abbrev-ref', 'HEAD') ?? 'local';

let appDir = app;
try {
  if (options.break) {
    // The regression goes into a copy of the app, never into the working tree.
    // A sibling of the app, so that its tsconfig's relative paths hold; it uses the app's
    // node_modules.
    appDir = mkdtempSync(join(root, 'examples/.regression-'));
    onCleanup(() => rmSync(appDir, { recursive: true, force: true }));
    for (const part of [
      'src',
      'test',
      'migrations',
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
    ])
      cpSync(join(app, part), join(appDir, part), { recursive: true });
    symlinkSync(join(app, 'node_modules'), join(appDir, 'node_modules'));
    const patch = spawnSync(
      'git',
      ['apply', '--directory', relative(root, appDir), join(app, 'regression.patch')],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (patch.status !== 0) fail(`cannot apply regression.patch: ${patch.stderr}`);
    const build = spawnSync(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', appDir],
      {
        encoding: 'utf8',
      },
    );
    if (build.status !== 0) fail(`the patched app does not build: ${build.stdout}`);
    commit += '+regression';
    process.stderr.write(`demo: --break: regression.patch applied to a copy of the app\n`);
  }

  process.stderr.write(`demo: Node ${majors.join(', ')}: fetching what this machine lacks\n`);
  const nodes = Object.fromEntries(majors.map((m) => [m, nodeBinary(m)]));
  const quarantineFile = join(app, 'quarantine.json');
  const ledger = parseLedger(readFileSync(quarantineFile, 'utf8'), quarantineFile);
  const today = utcDay(new Date());
  const select = (lane, leg) => selectArgs(ledger, { lane, runner: 'vitest', today, leg });
  const ctx = {
    appDir,
    vitestBin: join(root, 'node_modules/vitest/vitest.mjs'),
    nodes,
    artifacts,
    logs,
    commit,
    baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1' },
    blocking: (leg) => select('blocking', leg),
    quarantine: select('quarantine', 'quarantine'),
  };
  const plan = await planUnitShards({
    node: nodes[majors.includes(24) ? 24 : majors[0]],
    vitestBin: ctx.vitestBin,
    appDir,
    runs: recordedRuns,
    branch,
    shards: shardCount,
  });
  ctx.unitShards = plan.shards;
  process.stderr.write(`demo: ${plan.summary}\n`);
  const legs = pipelineLegs(ctx, majors);
  process.stderr.write(
    `demo: ${legs.length} legs, ${options.serial ? 'one after another' : `${Math.min(concurrency, legs.length)} at a time`} (commit ${commit})\n`,
  );
  const result = await runLegs(legs, { concurrency });
  writeFileSync(
    join(reports, 'timing.json'),
    `${JSON.stringify({ serial: options.serial, concurrency, wallMs: result.wallMs, legs: result.legs }, null, 2)}\n`,
  );

  // The gate, as the report job runs it.
  // The quarantine lane is expected too, as a leg that never blocks.
  const expected = JSON.stringify(
    legs.map((l) => ({
      name: l.name,
      ...l.matrix,
      ...(l.blocking ? {} : { blocking: false }),
      ...(l.planned === undefined ? {} : { planned: l.planned }),
    })),
  );
  writeFileSync(join(reports, 'legs.json'), expected);
  const bin = (tool) => `node ${JSON.stringify(join(root, 'packages', tool, 'bin.js'))}`;
  const q = (p) => JSON.stringify(p);
  const runId = `demo-${Date.now()}`;
  mkdirSync(recordedRuns, { recursive: true });
  const chain = [
    `${bin('junit-merge')} ${q(`${artifacts}/**/*.xml`)} --expect ${q(join(reports, 'legs.json'))} --commit ${q(commit)} --branch ${q(branch)} --run-id ${runId} -q`,
    // The run as merged, for the next shard plan (not a --break run's).
    `tee ${options.break ? '/dev/null' : q(join(recordedRuns, `${runId}.jsonl`))}`,
    // A --break run is a what-if that never lands: it is not recorded in the history.
    `${bin('flake-detect')} --history ${q(history)}${options.break ? '' : ' --record'} --quarantine ${q(quarantineFile)} --propose ${q(join(reports, 'proposals.json'))}`,
    `${bin('quarantine-filter')} --file ${q(quarantineFile)}`,
    `${bin('gate-verdict')} --summary ${q(join(reports, 'summary.md'))} --html ${q(join(reports, 'report.html'))} --json ${q(join(reports, 'verdict.json'))}`,
  ].join(' | ');
  process.stderr.write('\ndemo: junit-merge | flake-detect | quarantine-filter | gate-verdict\n');
  const gate = spawnSync('bash', ['-c', `set -o pipefail; ${chain}`], {
    cwd: root,
    stdio: 'inherit',
  });
  pruneRuns(recordedRuns, KEPT_RUNS);
  const legLines = result.legs.map(legLine);
  const longest = Math.max(...result.legs.map((l) => l.ms));
  process.stderr.write(
    `\ndemo: legs (wall ${(result.wallMs / 1000).toFixed(1)} s, longest leg ${(longest / 1000).toFixed(1)} s):\n${legLines.join('\n')}\n` +
      `demo: report ${join(reports, 'report.html')} (summary.md, verdict.json, proposals.json and logs/ beside it)\n`,
  );
  if (gate.status === 0) process.stderr.write(jobGraph(legs));
  process.exitCode = gate.status ?? 2;
} catch (error) {
  if (!(error instanceof DemoError)) throw error;
  process.stderr.write(`demo: ${error.message}\n`);
  process.exitCode = 2;
} finally {
  await cleanupAll();
}

/** The jobs of .github/workflows/submissions.yml that this run mirrors, in their order. */
function jobGraph(legs) {
  const blocking = legs.filter((l) => l.blocking).map((l) => l.name);
  const lanes = legs.filter((l) => !l.blocking).map((l) => `${l.name} (not blocking)`);
  return [
    'demo: the job graph of .github/workflows/submissions.yml, as run here:',
    '  plan    shard-plan splits the unit tests by the recorded runs of main (equal file counts at first)',
    `  legs    ${[...blocking, ...lanes].join(', ')}`,
    '  report  junit-merge | flake-detect | quarantine-filter | gate-verdict over every leg',
    '  gate    the required check: every blocking leg and the report succeeded, verdict green',
    '  promote on main only, after a green gate: the image the preview smoked, pushed as it is',
    '',
  ].join('\n');
}

/** Keeps the newest `kept` recorded runs (their names hold the time they ran). */
function pruneRuns(dir, kept) {
  const runs = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .reverse();
  for (const old of runs.slice(kept)) rmSync(join(dir, old), { force: true });
}

function hash(buffer) {
  return createHash('sha256').update(buffer).digest('hex').slice(0, 8);
}
