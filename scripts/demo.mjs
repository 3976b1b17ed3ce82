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
import { pipeline } from './demo/pipeline.mjs';
import { nodeBinary } from './node-runtime.mjs';
import { missingServices } from './services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'examples/submissions');
const SUPPORTED = [22, 24, 26];

const USAGE =
  'usage: npm run demo -- [--node 24[,26]] [--shards N] [--serial] [--break] [--jobs N]';
const HELP =
  `${USAGE}\n` +
  '  --node     the Node lines of the unit legs (default: 22,24,26)\n' +
  '  --shards   the unit tests in this many shards, planned from the recorded runs (default: 2)\n' +
  '  --serial   run the legs one after another, for comparison\n' +
  '  --break    apply a real regression (examples/submissions/regression.patch): the gate goes red\n' +
  '  --jobs     legs at a time (default: the CPU count)\n' +
  '  --out      where the reports go (default: reports/demo)\n' +
  '  --history  the flake history folder (default: .testgate/demo-history; the recorded\n' +
  '             runs the shard plan reads go beside it, in <history>-runs)\n';
/** Recorded runs the shard plan reads, the newest first. */
const KEPT_RUNS = 20;

/** Stops the demo with a message and exit 2, after what it started is cleaned up. */
class DemoError extends Error {}

process.exitCode = await main(process.argv.slice(2));

async function main(argv) {
  try {
    const options = readOptions(argv);
    if (options === undefined) return 0;
    const missing = missingServices();
    if (missing)
      throw new DemoError(
        `the integration and e2e legs need Postgres and Redis binaries: ${missing} (Debian), or run the workflow's Docker setup`,
      );
    const setup = spawnSync(process.execPath, [join(root, 'scripts/setup.mjs')], {
      stdio: 'inherit',
    });
    if (setup.status !== 0) return setup.status ?? 2;
    // Loaded only now: a fresh clone has its packages installed and built by the setup.
    const { legLine, runLegs } = await import('./demo/schedule.mjs');
    cleanupOnSignals();
    const paths = prepareOutput(options);
    const code = identifyCode();
    const appDir = options.break ? breakCopy(code) : app;
    const { ctx, legs } = await planLegs(options, appDir, code, paths);
    const result = await runLegs(legs, { concurrency: options.concurrency });
    writeFileSync(
      join(paths.reports, 'timing.json'),
      `${JSON.stringify({ serial: options.serial, concurrency: options.concurrency, wallMs: result.wallMs, legs: result.legs }, null, 2)}\n`,
    );
    const status = await runGate(options, legs, ctx, code, paths);
    printLegs(result, paths, legLine);
    if (status === 0) process.stderr.write(jobGraph(legs));
    return status;
  } catch (error) {
    if (!(error instanceof DemoError)) throw error;
    process.stderr.write(`demo: ${error.message}\n`);
    return 2;
  } finally {
    await cleanupAll();
  }
}

/** The command line, checked; undefined after --help. */
function readOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
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
    throw new DemoError(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const majors = (values.node ?? ['22,24,26']).flatMap((v) => v.split(',')).map(Number);
  for (const major of majors)
    if (!SUPPORTED.includes(major))
      throw new DemoError(`--node ${major}: the supported lines are ${SUPPORTED.join(', ')}`);
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > 16)
    throw new DemoError(`--shards must be a whole number from 1 to 16, got ${values.shards}`);
  const concurrency = values.serial ? 1 : Number(values.jobs ?? availableParallelism());
  if (!(concurrency >= 1))
    throw new DemoError(`--jobs must be a number of legs, got ${values.jobs}`);
  return { ...values, majors, shards, concurrency };
}

/** Where the reports, artifacts, logs, history and recorded runs go; the demo's own parts emptied. */
function prepareOutput(options) {
  const reports = resolve(options.out ?? join(root, 'reports/demo'));
  const history = resolve(options.history ?? join(root, '.testgate/demo-history'));
  const paths = {
    reports,
    history,
    recordedRuns: `${history}-runs`,
    artifacts: join(reports, 'artifacts'),
    logs: join(reports, 'logs'),
  };
  // Only what the demo writes there is replaced: --out may name a folder with other things.
  for (const dir of [paths.artifacts, paths.logs]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(paths.recordedRuns, { recursive: true });
  return paths;
}

/**
 * The commit the code is: HEAD, marked when the tree differs from it, so that history
 * never pairs runs of different code as reruns of one commit; and the branch.
 */
function identifyCode() {
  const git = (...args) =>
    spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() || undefined;
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
  return { commit, branch: git('rev-parse', '--abbrev-ref', 'HEAD') ?? 'local' };
}

/**
 * --break: the regression goes into a copy of the app, never into the working tree. A
 * sibling of the app, so that its tsconfig's relative paths hold; it uses the app's
 * node_modules.
 */
function breakCopy(code) {
  const appDir = mkdtempSync(join(root, 'examples/.regression-'));
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
    { cwd: root, encoding: 'utf8' },
  );
  if (patch.status !== 0) throw new DemoError(`cannot apply regression.patch: ${patch.stderr}`);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', appDir], { encoding: 'utf8' });
  if (build.status !== 0) throw new DemoError(`the patched app does not build: ${build.stdout}`);
  code.commit += '+regression';
  process.stderr.write(`demo: --break: regression.patch applied to a copy of the app\n`);
  return appDir;
}

/** The Node lines, the quarantine's lanes and the unit shards: every leg of the pipeline. */
async function planLegs(options, appDir, code, paths) {
  const { parseLedger, selectArgs } = await import('@testgate/quarantine-filter');
  const { planUnitShards } = await import('./demo/shards.mjs');
  const { majors } = options;
  process.stderr.write(`demo: Node ${majors.join(', ')}: fetching what this machine lacks\n`);
  const nodes = Object.fromEntries(majors.map((m) => [m, nodeBinary(m)]));
  const quarantineFile = join(app, 'quarantine.json');
  const ledger = parseLedger(readFileSync(quarantineFile, 'utf8'), quarantineFile);
  const today = new Date().toISOString().slice(0, 10); // UTC, as the ledger's dates
  const select = (lane, leg) => selectArgs(ledger, { lane, runner: 'vitest', today, leg });
  const ctx = {
    appDir,
    vitestBin: join(root, 'node_modules/vitest/vitest.mjs'),
    nodes,
    artifacts: paths.artifacts,
    logs: paths.logs,
    commit: code.commit,
    quarantineFile,
    baseEnv: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', CI: '1' },
    blocking: (leg) => select('blocking', leg),
    quarantine: select('quarantine', 'quarantine'),
  };
  const plan = await planUnitShards({
    node: nodes[majors.includes(24) ? 24 : majors[0]],
    vitestBin: ctx.vitestBin,
    appDir,
    runs: paths.recordedRuns,
    branch: code.branch,
    shards: options.shards,
  });
  ctx.unitShards = plan.shards;
  process.stderr.write(`demo: ${plan.summary}\n`);
  const legs = pipelineLegs(ctx, majors);
  const at = options.serial
    ? 'one after another'
    : `${Math.min(options.concurrency, legs.length)} at a time`;
  process.stderr.write(`demo: ${legs.length} legs, ${at} (commit ${code.commit})\n`);
  return { ctx, legs };
}

/** The gate, as the report job runs it: junit-merge | flake-detect | quarantine-filter | gate-verdict. */
async function runGate(options, legs, ctx, code, paths) {
  const { reports, artifacts, history, recordedRuns } = paths;
  // The quarantine lane is expected too, as a leg that never blocks.
  const expected = legs.map((l) => ({
    name: l.name,
    ...l.matrix,
    ...(l.blocking ? {} : { blocking: false }),
    ...(l.planned === undefined ? {} : { planned: l.planned }),
  }));
  writeFileSync(join(reports, 'legs.json'), JSON.stringify(expected));
  const tool = (name, ...args) => [
    process.execPath,
    join(root, 'packages', name, 'bin.js'),
    ...args,
  ];
  const runId = `demo-${Date.now()}`;
  process.stderr.write('\ndemo: junit-merge | flake-detect | quarantine-filter | gate-verdict\n');
  const status = await pipeline(
    [
      tool(
        'junit-merge',
        `${artifacts}/**/*.xml`,
        '--expect',
        join(reports, 'legs.json'),
        '--commit',
        code.commit,
        '--branch',
        code.branch,
        '--run-id',
        runId,
        '-q',
      ),
      // A --break run is a what-if that never lands: it is not recorded in the history.
      tool(
        'flake-detect',
        '--history',
        history,
        ...(options.break ? [] : ['--record']),
        '--quarantine',
        ctx.quarantineFile,
        '--propose',
        join(reports, 'proposals.json'),
      ),
      tool('quarantine-filter', '--file', ctx.quarantineFile),
      tool(
        'gate-verdict',
        '--summary',
        join(reports, 'summary.md'),
        '--html',
        join(reports, 'report.html'),
        '--json',
        join(reports, 'verdict.json'),
      ),
    ],
    // The run as merged, for the next shard plan (not a --break run's).
    { cwd: root, tee: options.break ? undefined : join(recordedRuns, `${runId}.jsonl`) },
  );
  pruneRuns(recordedRuns, KEPT_RUNS);
  return status;
}

function printLegs(result, paths, legLine) {
  const longest = Math.max(...result.legs.map((l) => l.ms));
  process.stderr.write(
    `\ndemo: legs (wall ${(result.wallMs / 1000).toFixed(1)} s, longest leg ${(longest / 1000).toFixed(1)} s):\n${result.legs.map(legLine).join('\n')}\n` +
      `demo: report ${join(paths.reports, 'report.html')} (summary.md, verdict.json, proposals.json and logs/ beside it)\n`,
  );
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
