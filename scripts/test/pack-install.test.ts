import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, packPackages } from './_packages.js';

// The packages as a user gets them: packed tarballs installed into an empty project with
// no workspace around, then used through npx and imported as libraries.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// pnpm names a tarball after the package: testgate-0.1.0.tgz, testgate-junit-merge-0.1.0.tgz.
const tarballOf = (name: string) =>
  readdirSync(dir).find((f) =>
    new RegExp(`^${name === 'testgate' ? '' : 'testgate-'}${name}-\\d`).test(f),
  )!;

let dir: string;

function sh(script: string, cwd: string) {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      npm_config_update_notifier: 'false',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'testgate-pack-'));
  packPackages(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'a-project', private: true, type: 'module' }),
  );
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const install = sh(
    `npm install --no-audit --no-fund ${tarballs.map((t) => `./${t}`).join(' ')}`,
    dir,
  );
  expect(install.code, install.stderr).toBe(0);
  writeFileSync(
    join(dir, 'pass.xml'),
    '<testsuite name="s"><testcase classname="c" name="ok" time="0.1"/></testsuite>',
  );
  writeFileSync(
    join(dir, 'fail.xml'),
    '<testsuite name="s"><testcase classname="c" name="bad"><failure message="no"/></testcase></testsuite>',
  );
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed packages in a project of their own', () => {
  it('ship no stale build output and no test file', () => {
    for (const name of PACKAGES) {
      const listing = sh(`tar -tzf ${tarballOf(name)}`, dir).stdout;
      expect(listing).not.toMatch(/_spool|expect\.js|\/test\//);
      expect(listing).toContain('package/dist/index.js');
      for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE'])
        expect(listing).toContain(`package/${file}`);
    }
  });

  it('pass publint and are-the-types-wrong', () => {
    for (const name of PACKAGES) {
      const tarball = tarballOf(name);
      const lint = sh(`${join(root, 'node_modules/.bin/publint')} --strict ${tarball}`, dir);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout).toContain('All good!');
      // ESM only, as the house style wants: CommonJS resolution is not a target.
      const types = sh(
        `${join(root, 'node_modules/.bin/attw')} ${tarball} --profile esm-only --format ascii`,
        dir,
      );
      expect(types.code, types.stdout + types.stderr).toBe(0);
    }
  }, 120_000);

  it('run as a gate through npx', () => {
    writeFileSync(
      join(dir, 'q.json'),
      JSON.stringify({
        quarantined: [
          {
            test: 'c::bad',
            reason: 'r',
            owner: 'o',
            quarantinedDate: '2026-11-01',
            deadline: '2026-11-10',
          },
        ],
      }),
    );
    const quarantined = sh(
      'npx junit-merge pass.xml fail.xml -q --commit abc --run-id 1 | npx flake-detect --history h --record | npx quarantine-filter --file q.json --today 2026-11-02 | npx gate-verdict -q',
      dir,
    );
    expect(quarantined.code, quarantined.stderr).toBe(0);
    // flake-detect recorded the run into its folder history.
    expect(readdirSync(join(dir, 'h')).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
    const plain = sh('npx junit-merge pass.xml -q | npx gate-verdict', dir);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/gate-verdict: GREEN/);
    const red = sh('npx junit-merge pass.xml fail.xml -q | npx gate-verdict -q', dir);
    expect(red.code).toBe(1);
  });

  it("run the README's first local run verbatim, commit after commit", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /<!-- local-example[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const project = join(dir, 'local');
    const git = 'git -c user.name=t -c user.email=t@example.com';
    const leg = (name: string, cases: string) => {
      mkdirSync(join(project, 'artifacts', name), { recursive: true });
      writeFileSync(
        join(project, 'artifacts', name, 'junit.xml'),
        `<testsuite name="s">${cases}</testsuite>`,
      );
    };
    leg('node22', '<testcase classname="c" name="ok"/>');
    leg('node24', '<testcase classname="c" name="ok"/>');
    expect(sh(`git init -q -b main && ${git} commit -q --allow-empty -m one`, project).code).toBe(
      0,
    );
    const first = sh(block!, project);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/gate-verdict: GREEN/);
    leg('node24', '<testcase classname="c" name="ok"><failure message="no"/></testcase>');
    expect(sh(`${git} commit -q --allow-empty -m two`, project).code).toBe(0);
    const second = sh(block!, project);
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(
      /history: 1 runs in 30d from \.testgate\/history, this run recorded/,
    );
    expect(readFileSync(join(project, 'report.html'), 'utf8')).toContain('Test gate: red');
  });

  it('import as libraries', () => {
    const script = `
      import { readRecords, validateRecord } from '@testgate/stream';
      import { mergeRun, fileSource } from '@testgate/junit-merge';
      import { decideVerdict } from '@testgate/gate-verdict';
      import { parseLedger, selectArgs } from '@testgate/quarantine-filter';
      import { renderMetrics } from '@testgate/test-metrics';
      import { classify } from '@testgate/flake-detect';
      import { planShards } from '@testgate/shard-plan';
      import { junitMerge, gateVerdict, shardPlan } from 'testgate';
      const legs = [];
      for await (const { leg } of mergeRun([{ name: 'x', sources: [fileSource('fail.xml')] }]).legs) legs.push(leg.counts.failed);
      const ledger = parseLedger('{"quarantined": []}', 'q.json');
      console.log(JSON.stringify([legs, typeof readRecords, validateRecord({ type: 'end', tool: 't', records: 1 }).ok, typeof decideVerdict, selectArgs(ledger, { lane: 'blocking', runner: 'ids', today: '2026-11-01' }), typeof renderMetrics, classify([]).status, junitMerge.mergeRun === mergeRun && gateVerdict.decideVerdict === decideVerdict, planShards([{ file: 'a' }, { file: 'b' }], { files: new Map(), tests: new Map(), runs: 0 }, { runner: 'files', name: 's', shards: 2 }).shards.map((s) => s.args), shardPlan.planShards === planShards]));`;
    writeFileSync(join(dir, 'use.mjs'), script);
    const r = sh('node use.mjs', dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([
      [1],
      'function',
      true,
      'function',
      [],
      'function',
      'new',
      true,
      [['a'], ['b']],
      true,
    ]);
  });
});
