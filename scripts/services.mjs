// Throwaway Postgres and Redis for tests and the demo: each instance lives in its own temp
// folder on a free port, started from Debian's binaries (initdb/pg_ctl, redis-server), and
// stop() removes everything. Never the machine's own servers on the standard ports.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** A free TCP port on 127.0.0.1, picked by the kernel. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** A command's path on PATH, or undefined. */
function onPath(command) {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Where Debian keeps initdb and pg_ctl (they are not on PATH there), or undefined. */
export function postgresBinaries() {
  const pgCtl = onPath('pg_ctl');
  const candidates = pgCtl ? [dirname(pgCtl)] : [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const version of readdirSync(debian).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(debian, version, 'bin'));
  const found = candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
  // Where the binaries really are (a PATH entry may hold links to two of them only).
  return found && dirname(realpathSync(join(found, 'initdb')));
}

export function redisBinary() {
  return onPath('redis-server');
}

/** What is missing to start the throwaway services, as an install hint, or undefined. */
export function missingServices({ postgres = true, redis = true } = {}) {
  const missing = [];
  if (postgres && !postgresBinaries()) missing.push('postgresql');
  if (redis && !redisBinary()) missing.push('redis-server');
  return missing.length ? `apt-get install ${missing.join(' ')}` : undefined;
}

// Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
function asServiceUser(dir) {
  if (userInfo().uid !== 0) return (command, args) => [command, args];
  const postgres = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (postgres.status !== 0) throw new Error('running as root and there is no postgres user');
  const uid = Number(postgres.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, uid, gid);
  const as = (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
  if (spawnSync(...as('test', ['-w', dir])).status !== 0)
    throw new Error(
      `the postgres user cannot reach ${dir}: give the folders above it a+x, or point TMPDIR elsewhere`,
    );
  return as;
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/**
 * Starts a throwaway Postgres: initdb in a temp folder, pg_ctl on a free port, listening on
 * 127.0.0.1 and its own socket folder only. Resolves to its URL and a stop() that shuts it
 * down and removes the folder.
 */
export async function startPostgres() {
  const bin = postgresBinaries();
  if (!bin) throw new Error(`no Postgres binaries found: ${missingServices({ redis: false })}`);
  const dir = mkdtempSync(join(tmpdir(), 'testgate-pg-'));
  const data = join(dir, 'data');
  const as = asServiceUser(dir);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  // Always with the log and the options: pg_ctl does not remember -l on a restart, and a
  // server writing to this process's pipes would keep spawnSync waiting.
  const pgCtl = (action, extra = []) =>
    run(
      ...as(join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-o',
        options,
        ...extra,
        '-w',
        '-t',
        '30',
        action,
      ]),
      `pg_ctl ${action}`,
    );
  try {
    run(
      ...as(join(bin, 'initdb'), [
        '-D',
        data,
        '-U',
        'testgate',
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-sync',
      ]),
      'initdb',
    );
    pgCtl('start');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url: `postgres://testgate@127.0.0.1:${port}/postgres`,
    port,
    /** Creates a database; returns its URL. */
    createDatabase(name) {
      const url = `postgres://testgate@127.0.0.1:${port}`;
      run(
        join(bin, 'psql'),
        [`${url}/postgres`, '-qc', `CREATE DATABASE ${name}`],
        'CREATE DATABASE',
      );
      return `${url}/${name}`;
    },
    /** An immediate shutdown (as in a crash) and a start, on the same port. */
    restart() {
      pgCtl('restart', ['-m', 'immediate']);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      spawnSync(...as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server on `port` with nothing kept on disk; resolves once it accepts connections. */
async function spawnRedis(bin, port, dir) {
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise((resolveReady, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/Ready to accept connections/.test(output)) resolveReady();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  child.stdout.resume();
  return child;
}

/**
 * Starts a throwaway Redis on a free port with nothing kept on disk; stop() kills it,
 * restart() kills it and starts a new one on the same port (what a crash and a restart
 * look like to its clients).
 */
export async function startRedis() {
  const bin = redisBinary();
  if (!bin) throw new Error(`no redis-server found: ${missingServices({ postgres: false })}`);
  const dir = mkdtempSync(join(tmpdir(), 'testgate-redis-'));
  const port = await freePort();
  let child = await spawnRedis(bin, port, dir);
  let stopped = false;
  const kill = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGKILL');
    });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get child() {
      return child;
    },
    async restart() {
      await kill();
      child = await spawnRedis(bin, port, dir);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
