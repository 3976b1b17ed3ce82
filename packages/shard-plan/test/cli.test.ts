import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/index.js';

// The built tools with the real runners: pytest runs a suite whose files take known
// times, junit-merge saves its run, shard-plan plans from it, each shard runs what its
// arguments say, and the gate expects every planned shard.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const tool = (name: string) => `node ${join(root, 'packages', name, 'bin.js')}`;
const plan = tool('shard-plan');
let dir: string;

// Seconds each test file sleeps, one test each but for the slow file's three.
const FILES: Record<string, number[]> = {
  'tests/test_slow.py': [0.3, 0.3, 0.3],
  'tests/test_mid.py': [0.4],
  'tests/test_a.py': [0.2],
  'tests/test_b.py': [0.15],
  'tests/deep/test_c.py': [0.1],
  'tests/deep/test_d.py': [0.05],
};

function sh(script: string) {
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const pytest = 'python3 -m pytest -p no:cacheprovider -q';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shard-plan-'));
  for (const [file, sleeps] of Object.entries(FILES)) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    const tests = sleeps.map((s, n) => `def test_${n}():\n    time.sleep(${s})\n`).join('\n');
    writeFileSync(join(dir, file), `import time\n\n${tests}`);
  }
  // One run on main, saved as junit-merge writes it.
  const saved = sh(
    `${pytest} tests --junitxml=run/junit.xml >/dev/null; mkdir -p runs && ${tool('junit-merge')} run/junit.xml --leg unit --branch main --run-id 1 --commit c1 -q -o runs/1.jsonl`,
  );
  expect(saved.code, saved.stderr).toBe(0);
  expect(sh(`${pytest} --collect-only tests > tests.txt`).code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shard-plan with pytest', () => {
  it('plans from the saved run: the slow file split into its tests, shards even, every test once', () => {
    const r = sh(
      `${plan} --tests tests.txt --runner pytest --shards 3 --name unit runs/ -o plan.json`,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^shard-plan: 3 shard\(s\) of 8 unit\(s\), 0 without a timing of their own, from timings of 1 run\(s\) on the base branch: longest /,
    );
    const written = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
    // 1.8 s of tests: the slow file's 0.9 s is more than a shard's 0.6, so its tests go apart.
    const args = written.shards.map((s) => s.args);
    expect(args.flat().filter((a) => a.startsWith('tests/test_slow.py::'))).toHaveLength(3);
    const withSlow = args.filter((a) => a.some((x) => x.startsWith('tests/test_slow.py::')));
    expect(withSlow.length).toBeGreaterThan(1);
    const planned = written.shards.map((s) => s.planned!);
    expect(Math.max(...planned) / Math.min(...planned)).toBeLessThan(1.5);

    // Each shard runs what its arguments say: together, every test exactly once.
    const ran: string[] = [];
    for (const shard of written.shards) {
      const line = sh(`${plan} --plan plan.json --shard ${shard.index} --format args`);
      expect(line.code, line.stderr).toBe(0);
      const collected = sh(`${pytest} --collect-only ${line.stdout.trim()}`);
      expect(collected.code, collected.stderr).toBe(0);
      ran.push(...collected.stdout.split('\n').filter((l) => l.includes('::')));
    }
    const listed = readFileSync(join(dir, 'tests.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('::'));
    expect(ran.sort()).toEqual(listed.sort());
  });

  it("leaves out the timings of another branch's runs unless --branch says otherwise", () => {
    const feature = sh(
      `${plan} --tests tests.txt --runner pytest --shards 2 --branch feature runs/`,
    );
    expect(feature.code, feature.stderr).toBe(0);
    expect(feature.stderr).toContain('from no timings (equal weights: as many files a shard)');
    const any = sh(`${plan} --tests tests.txt --runner pytest --shards 2 --branch '*' runs/`);
    expect(any.stderr).toContain('from timings of 1 run(s) on *');
  });

  it('reads the list from stdin and writes a GitHub matrix', () => {
    const r = sh(
      `${pytest} --collect-only tests | ${plan} --tests - --runner pytest --target 1m runs/ --format github-matrix`,
    );
    expect(r.code, r.stderr).toBe(0);
    const matrix = JSON.parse(r.stdout) as { include: Array<{ shard: string; args: string }> };
    expect(matrix.include.map((i) => i.shard)).toEqual(['shard-1']);
    expect(matrix.include[0]!.args.split(' ')).toHaveLength(6);
  });

  it('a shard that never reported turns the gate red; all of them reported, green with the balance shown', () => {
    expect(
      sh(`${plan} --tests tests.txt --runner pytest --shards 2 --name unit runs/ -o plan2.json`)
        .code,
    ).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'plan2.json'), 'utf8')) as Plan;
    for (const shard of written.shards) {
      const args = sh(
        `${plan} --plan plan2.json --shard ${shard.index} --format args`,
      ).stdout.trim();
      expect(
        sh(`${pytest} ${args} --junitxml=artifacts/${shard.name}/junit.xml >/dev/null`).code,
      ).toBe(0);
    }
    const gate = (artifacts: string) =>
      sh(
        `${tool('junit-merge')} '${artifacts}/**/*.xml' --expect plan2.json -q | ${tool('gate-verdict')} --summary summary.md`,
      );
    const green = gate('artifacts');
    expect(green.code, green.stderr).toBe(0);
    expect(green.stderr).toMatch(
      /2 shards: the slowest, unit-\d, took .* for .* planned, \d\.\d\dx the mean against the plan's \d\.\d\dx/,
    );
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/\(planned \d/);

    rmSync(join(dir, 'artifacts/unit-2'), { recursive: true });
    const red = gate('artifacts');
    expect(red.code).toBe(1);
    expect(red.stderr).toContain('expected leg "unit-2" has no report');
  });

  it('says what is wrong in one line, exit 2, for bad input', () => {
    writeFileSync(join(dir, 'twice.txt'), 'tests/test_a.py::test_0\ntests/test_a.py::test_0\n');
    const cases: Array<[string, string]> = [
      [
        `${plan} --tests twice.txt --runner pytest --shards 2`,
        'shard-plan: twice.txt:2: "tests/test_a.py::test_0" is listed twice (first on line 1)',
      ],
      [
        `${plan} --tests tests.txt --runner pytest`,
        'shard-plan: give one of --shards N and --target TIME',
      ],
      [
        `${plan} --tests tests.txt --runner pytest --shards 0`,
        'shard-plan: --shards must be a whole number from 1, got: 0',
      ],
      [
        `${plan} --tests tests.txt --runner pytest --target soon`,
        'shard-plan: --target must be a time like 4m, 90s or 1h30m, got: "soon"',
      ],
      [`${plan} --plan tests.txt --shard 1 --format args`, 'shard-plan: tests.txt: not JSON'],
      [
        `${plan} --tests missing.txt --shards 2`,
        'shard-plan: missing.txt: cannot read the test list (ENOENT)',
      ],
    ];
    for (const [command, message] of cases) {
      const r = sh(command);
      expect(r.code, command).toBe(2);
      expect(r.stderr.split('\n')[0], command).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('shard-plan with vitest', () => {
  it('reads what the real vitest lists (projects and all) and plans each file once', () => {
    const example = join(root, 'examples/submissions');
    const listed = spawnSync(join(root, 'node_modules/.bin/vitest'), ['list', '--filesOnly'], {
      cwd: example,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(listed.status, listed.stderr).toBe(0);
    writeFileSync(join(dir, 'vitest.txt'), listed.stdout);
    const r = sh(`${plan} --tests vitest.txt --runner vitest --shards 2`);
    expect(r.code, r.stderr).toBe(0);
    const written = JSON.parse(r.stdout) as Plan;
    const files = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^\[[^\]]*\]\s+/, ''));
    expect(written.shards.flatMap((s) => s.args).sort()).toEqual([...new Set(files)].sort());
  });
});
