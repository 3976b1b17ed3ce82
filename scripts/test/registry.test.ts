import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../services.mjs';
import { packPackages } from './_packages.js';

// The packages published to a real npm registry of our own (Verdaccio, third-party
// packages proxied from npmjs), then every README recipe's testgate commands run verbatim
// in an empty folder whose only registry is that one: what a CI job meets on the day the
// packages are published.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// 6.8.0 is the last Verdaccio that runs on Node 20 (with node-fetch held at 2.7.0).
const VERDACCIO = join(root, 'node_modules/.cache/testgate-verdaccio-6.8.0');

let dir: string;
let registry: string;
let server: ChildProcess | undefined;

function sh(script: string, cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      NO_COLOR: '1',
      npm_config_update_notifier: 'false',
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'testgate-registry-'));
  mkdirSync(join(dir, 'home'));
  if (!existsSync(join(VERDACCIO, 'node_modules/.bin/verdaccio'))) {
    mkdirSync(VERDACCIO, { recursive: true });
    writeFileSync(
      join(VERDACCIO, 'package.json'),
      JSON.stringify({
        private: true,
        dependencies: { verdaccio: '6.8.0' },
        overrides: { 'node-fetch': '2.7.0' },
      }),
    );
    const install = sh('npm install --no-audit --no-fund --loglevel=error', VERDACCIO, {
      HOME: process.env.HOME!,
    });
    expect(install.code, install.stderr).toBe(0);
  }
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      `auth: { htpasswd: { file: ${join(dir, 'htpasswd')}, max_users: 10 } }`,
      'uplinks: { npmjs: { url: https://registry.npmjs.org/ } }',
      'packages:',
      "  'testgate': { access: $all, publish: $authenticated }",
      "  '@testgate/*': { access: $all, publish: $authenticated }",
      "  '**': { access: $all, proxy: npmjs }",
      'log: { type: stdout, format: pretty, level: error }',
    ].join('\n'),
  );
  const port = await freePort();
  registry = `http://127.0.0.1:${port}/`;
  server = spawn(
    join(VERDACCIO, 'node_modules/.bin/verdaccio'),
    ['--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { stdio: 'ignore' },
  );
  await waitFor(`${registry}-/ping`);
  const user = await fetch(`${registry}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'a-throwaway-password' }),
  });
  const { token } = (await user.json()) as { token: string };
  writeFileSync(
    join(dir, 'publish.npmrc'),
    `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`,
  );
  const packs = join(dir, 'packs');
  mkdirSync(packs);
  packPackages(packs);
  for (const tarball of readdirSync(packs)) {
    const published = sh(
      `npm publish ${join(packs, tarball)} --userconfig ${join(dir, 'publish.npmrc')}`,
      dir,
    );
    expect(published.code, published.stderr).toBe(0);
  }
}, 300_000);

afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder whose only registry is ours, with the reports of three legs. */
function project(name: string, failing: boolean): string {
  const cwd = join(dir, name);
  for (const leg of ['unit-api', 'unit-worker', 'integration']) {
    mkdirSync(join(cwd, 'artifacts', leg), { recursive: true });
    const bad =
      failing && leg === 'integration' ? '<failure message="expected 200, got 500"/>' : '';
    writeFileSync(
      join(cwd, 'artifacts', leg, 'junit.xml'),
      `<testsuite name="s"><testcase classname="${leg}" name="works">${bad}</testcase></testsuite>`,
    );
  }
  writeFileSync(join(cwd, 'legs.json'), '["unit-api","unit-worker","integration"]');
  writeFileSync(join(cwd, '.npmrc'), `registry=${registry}\n`);
  return cwd;
}

/** The testgate command lines of the README's recipes for other CI systems, as written. */
function recipeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('<!-- recipes:'),
    readme.indexOf('Run metadata (commit'),
  );
  const commands = [...section.matchAll(/^\s*(?:- (?:run: )?)?(npx --yes -p testgate@.*)$/gm)].map(
    (m) => m[1]!,
  );
  return commands;
}

describe('the published packages', () => {
  it('resolve every README recipe to testgate, pinned to the version in this checkout', () => {
    const commands = recipeCommands();
    expect(commands).toHaveLength(3);
    const { version } = JSON.parse(
      readFileSync(join(root, 'packages/testgate/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    for (const command of commands) {
      for (const pin of command.matchAll(/testgate@(\S+)/g)) expect(pin[1]).toBe(version);
      const green = sh(command, project(`green-${commands.indexOf(command)}`, false));
      expect(green.code, green.stderr).toBe(0);
      expect(green.stderr).toMatch(/gate-verdict: GREEN {2}3 results/);
      const red = sh(command, project(`red-${commands.indexOf(command)}`, true));
      expect(red.code, red.stderr).toBe(1);
      expect(red.stderr).toContain('"integration::works" in leg "integration"');
    }
  }, 240_000);

  it('run the Action from npm, as its step runs on a GitHub runner', () => {
    const cwd = project('action', true);
    const r = sh(`bash ${join(root, 'action/run.sh')}`, cwd, {
      TESTGATE_EXPECT: '["unit-api","unit-worker","integration"]',
      GITHUB_STEP_SUMMARY: join(cwd, 'summary.md'),
    });
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(join(cwd, 'summary.md'), 'utf8')).toMatch(/^## ❌ Test gate: red/);
  }, 120_000);
});
