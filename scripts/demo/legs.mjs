// The legs of the reference pipeline, as the GitHub workflow runs them: unit tests of each
// service on each Node line, integration against Postgres and Redis, an e2e smoke against
// a preview of the built app, and the quarantine lane (expected, never blocking).
import { join } from 'node:path';
import { freePort, startPostgres, startRedis } from '../services.mjs';
import { onCleanup } from './cleanup.mjs';
import { runLogged, startBackground, waitFor } from './run-leg.mjs';

/** The vitest projects of the unit tests, which the shard plan splits. */
export const UNIT_PROJECTS = ['unit-api', 'unit-worker'];
/** Attempts the quarantine lane makes, rerunning until the quarantined tests pass. */
const QUARANTINE_ATTEMPTS = 4;

/**
 * One throwaway Postgres and Redis for the demo, started by the first leg that needs
 * them; each leg gets a database and a Redis database number of its own, as each CI job
 * gets service containers of its own, without paying for a server start per leg.
 */
let shared;
let legDatabases = 0;
function sharedServers() {
  shared ??= (async () => {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    onCleanup(() => postgres.stop());
    onCleanup(() => redis.stop());
    return { postgres, redis };
  })();
  return shared;
}

async function throwawayServices(leg) {
  const { postgres, redis } = await sharedServers();
  const n = ++legDatabases;
  return {
    DATABASE_URL: postgres.createDatabase(`${leg.replace(/\W/g, '_')}_${n}`),
    REDIS_URL: `${redis.url}/${n}`,
  };
}

function vitest(
  ctx,
  node,
  leg,
  projects,
  extra,
  env = {},
  junit = join(ctx.artifacts, leg, 'junit.xml'),
) {
  const selected = [projects].flat().flatMap((p) => ['--project', p]);
  // One test worker per leg: the legs themselves are what runs in parallel here, as on
  // CI's machines, and more workers than cores only slow them all down.
  return runLogged(node, [ctx.vitestBin, 'run', ...selected, '--maxWorkers=1', ...extra], {
    cwd: ctx.appDir,
    env: { ...ctx.baseEnv, ...env, TESTGATE_JUNIT: junit },
    log: join(ctx.logs, `${leg}.log`),
  });
}

/**
 * The legs for these Node majors, each with a `weight` (its usual seconds here) for
 * scheduling the longest first. `ctx`: appDir, vitestBin, nodes (major -> binary),
 * artifacts, logs, commit, baseEnv, blocking (leg -> vitest filter arguments), quarantine
 * (the quarantine lane's arguments) and unitShards (the shard plan's shards: every Node
 * line runs each).
 */
export function pipelineLegs(ctx, majors) {
  const main = majors.includes(24) ? 24 : majors[0];
  const legs = [];
  for (const shard of ctx.unitShards)
    for (const major of majors) {
      const name = `unit-node${major}-${shard.index}`;
      legs.push({
        name,
        matrix: { kind: 'unit', node: major, shard: shard.index },
        planned: shard.planned,
        blocking: true,
        weight: 1,
        run: () =>
          vitest(ctx, ctx.nodes[major], name, UNIT_PROJECTS, [
            ...shard.args,
            ...ctx.blocking(name),
          ]),
      });
    }
  legs.push({
    name: 'integration',
    matrix: { kind: 'integration', node: main },
    blocking: true,
    weight: 5,
    run: async () =>
      vitest(
        ctx,
        ctx.nodes[main],
        'integration',
        'integration',
        ctx.blocking('integration'),
        await throwawayServices('integration'),
      ),
  });
  legs.push({
    name: 'e2e',
    matrix: { kind: 'e2e', node: main },
    blocking: true,
    weight: 3,
    run: async () => {
      const services = await throwawayServices('e2e');
      const log = join(ctx.logs, 'e2e.log');
      const port = await freePort();
      const env = {
        ...ctx.baseEnv,
        ...services,
        PORT: String(port),
        HOST: '127.0.0.1',
        COMMIT: ctx.commit,
      };
      // The built app, one process per role, as the preview runs it.
      const entry = join(ctx.appDir, 'dist/main.js');
      const [api, worker] = ['api', 'worker'].map((role) =>
        startBackground(ctx.nodes[main], [entry, role], { cwd: ctx.appDir, env, log }),
      );
      try {
        const base = `http://127.0.0.1:${port}`;
        // The preview is up when it reports this commit, as in CI after a deploy.
        const up = await waitFor(async () => {
          const res = await fetch(`${base}/version`);
          return res.ok && (await res.json()).commit === ctx.commit;
        }, 30_000);
        // Not up: no report, and the gate names the e2e leg as missing.
        if (!up) return 1;
        return await vitest(ctx, ctx.nodes[main], 'e2e', 'e2e', [], {
          PREVIEW_URL: base,
          EXPECTED_COMMIT: ctx.commit,
        });
      } finally {
        await worker.stop();
        await api.stop();
      }
    },
  });
  if (ctx.quarantine.length > 0)
    legs.push({
      name: 'quarantine',
      matrix: { kind: 'quarantine', node: main },
      blocking: false,
      weight: 6,
      // Only the quarantined tests, rerun until they pass: each attempt a report of its
      // own in the leg's folder, which junit-merge folds into attempts.
      run: async () => {
        const services = await throwawayServices('quarantine');
        let code = 1;
        for (let attempt = 1; attempt <= QUARANTINE_ATTEMPTS && code !== 0; attempt++)
          code = await vitest(
            ctx,
            ctx.nodes[main],
            'quarantine',
            'integration',
            ctx.quarantine,
            services,
            join(ctx.artifacts, 'quarantine', `attempt-${attempt}`, 'junit.xml'),
          );
        return code;
      },
    });
  return legs;
}
