import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type ListedTest,
  type Plan,
  type Timings,
  formatPlan,
  medianTimings,
  planShards,
  readTestList,
} from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
// What the runners' list modes printed (fixtures/generate.mjs runs them).
const list = (path: string) => readFileSync(join(root, 'fixtures/lists', path), 'utf8');

const noTimings: Timings = { files: new Map(), tests: new Map(), runs: 0 };
const timed = (files: Record<string, number>, tests: Record<string, number> = {}): Timings => ({
  files: new Map(Object.entries(files)),
  tests: new Map(Object.entries(tests)),
  runs: 1,
});
const files = (...names: string[]): ListedTest[] => names.map((file) => ({ file }));
const loads = (plan: Plan) => plan.shards.map((s) => s.planned!);

describe('test lists as the runners print them', () => {
  it('vitest list --filesOnly: a file a line', () => {
    expect(readTestList(list('vitest/files-only.txt'), 'vitest', '/', 'l')).toEqual([
      { file: 'test/outcomes.test.mjs' },
      { file: 'test/retry.test.mjs' },
    ]);
  });

  it('jest --listTests: absolute paths, made relative to the root', () => {
    const text = list('jest/list-tests.txt');
    const jestRoot = dirname(dirname(text.split('\n')[0]!));
    expect(readTestList(text, 'jest', jestRoot, 'l').map((t) => t.file)).toEqual([
      'test/retry.test.cjs',
      'test/outcomes.test.cjs',
      'test/broken-suite.test.cjs',
    ]);
  });

  it('pytest --collect-only -q: node ids, the summary line left out', () => {
    const tests = readTestList(list('pytest/collect-only.txt'), 'pytest', '/', 'l');
    expect(tests).toHaveLength(12);
    expect(tests).toContainEqual({
      file: 'tests/test_outcomes.py',
      handle: 'tests/test_outcomes.py::TestGrouped::test_in_a_class',
      name: 'test_in_a_class',
    });
  });

  it('playwright test --list: file:line handles, the header and total left out', () => {
    const tests = readTestList(list('playwright/list.txt'), 'playwright', '/', 'l');
    expect(tests.map((t) => [t.handle, t.name])).toEqual([
      ['page.spec.mjs:6', 'a local page › shows its heading'],
      ['page.spec.mjs:11', 'a local page › fails on the wrong heading'],
      ['page.spec.mjs:16', 'a local page › passes on retry'],
      ['page.spec.mjs:22', 'a local page › is skipped'],
    ]);
  });

  it('go test -list . ./...: one unit per package', () => {
    expect(readTestList(list('go/list.txt'), 'go', '/', 'l')).toEqual([
      { file: 'example.com/fixtures/a/util' },
      { file: 'example.com/fixtures/b/util' },
    ]);
  });

  it('refuses a test listed twice, naming both lines, and a list with no test', () => {
    expect(() => readTestList('a.py::t\nb.py::u\na.py::t\n', 'pytest', '/', 'twice.txt')).toThrow(
      '"a.py::t" is listed twice (first on line 1)',
    );
    expect(() => readTestList('\n3 tests collected\n', 'pytest', '/', 'none.txt')).toThrow(
      'lists no pytest test',
    );
  });
});

describe('planning', () => {
  it('longest first onto the least loaded shard: equal loads where the times allow', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((n) => `t/${n}.test.ts`);
    const times = Object.fromEntries(names.map((n, i) => [n, 8 - i]));
    const plan = planShards(files(...names), timed(times), {
      runner: 'vitest',
      name: 'u',
      shards: 3,
    });
    // 8→1, 7→2, 6→3, 5→3, 4→2, 3→1, 2→1, 1→2: within the longest unit's span of even.
    expect(loads(plan)).toEqual([13, 12, 11]);
    expect(plan.shards.map((s) => s.name)).toEqual(['u-1', 'u-2', 'u-3']);
    // The same input gives the same plan, byte for byte.
    expect(
      planShards(files(...names), timed(times), { runner: 'vitest', name: 'u', shards: 3 }),
    ).toEqual(plan);
  });

  it("gives a file with no timing its folder's median, else the suite's, never zero", () => {
    const plan = planShards(
      files('a/x.ts', 'a/y.ts', 'a/z.ts', 'b/new.ts', 'c/zero.ts'),
      timed({ 'a/x.ts': 10, 'a/y.ts': 20, 'c/zero.ts': 0 }),
      {
        runner: 'files',
        name: 's',
        shards: 2,
      },
    );
    const units = new Map(plan.shards.flatMap((s) => s.units).map((u) => [u.file, u]));
    expect(units.get('a/z.ts')).toMatchObject({ seconds: 15, estimated: true });
    expect(units.get('b/new.ts')).toMatchObject({ seconds: 10, estimated: true });
    expect(units.get('c/zero.ts')!.seconds).toBeGreaterThan(0);
    expect(plan.estimated).toBe(2);
  });

  it('with no timings at all, splits by file count', () => {
    const plan = planShards(files('a', 'b', 'c', 'd', 'e'), noTimings, {
      runner: 'files',
      name: 's',
      shards: 2,
    });
    expect(plan.shards.map((s) => s.args.length)).toEqual([3, 2]);
  });

  it('splits a pytest file slower than a shard into its tests, but never a file of a runner that cannot run one test', () => {
    const tests: ListedTest[] = [
      ...['t1', 't2', 't3', 't4'].map((t) => ({
        file: 'slow.py',
        handle: `slow.py::${t}`,
        name: t,
      })),
      { file: 'fast.py', handle: 'fast.py::t', name: 't' },
    ];
    const timings = timed(
      { 'slow.py': 40, 'fast.py': 2 },
      { 'slow.py::t1': 10, 'slow.py::t2': 10, 'slow.py::t3': 10, 'slow.py::t4': 10 },
    );
    const pytest = planShards(tests, timings, { runner: 'pytest', name: 's', shards: 2 });
    expect(pytest.shards.map((s) => s.args)).toEqual([
      ['slow.py::t1', 'slow.py::t3', 'fast.py'],
      ['slow.py::t2', 'slow.py::t4'],
    ]);
    // A Go package runs whole: a -run pattern would filter the shard's other packages too.
    const go = planShards(files('slow', 'fast'), timed({ slow: 40, fast: 2 }), {
      runner: 'go',
      name: 's',
      shards: 2,
    });
    expect(go.shards.map((s) => s.args)).toEqual([['slow'], ['fast']]);
  });

  it('--target: the fewest shards whose longest planned shard fits', () => {
    const names = Array.from({ length: 10 }, (_, n) => `f${n}`);
    const plan = planShards(files(...names), timed(Object.fromEntries(names.map((n) => [n, 30]))), {
      runner: 'files',
      name: 's',
      target: 100,
    });
    // 300 s in 30 s files: three shards would need 120 s; four hold at most 90 s.
    expect(plan.shards).toHaveLength(4);
    expect(Math.max(...loads(plan))).toBeLessThanOrEqual(100);
  });

  it('plans every listed test exactly once, whatever the times (seeded)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const tests: ListedTest[] = [];
      const times: Record<string, number> = {};
      for (let f = 0; f < 30; f++) {
        const file = `d${f % 4}/f${f}.py`;
        if (random() < 0.8) times[file] = random() < 0.1 ? 500 : random() * 20;
        for (let t = 0; t < 1 + Math.floor(random() * 5); t++)
          tests.push({ file, handle: `${file}::t${t}`, name: `t${t}` });
      }
      const plan = planShards(tests, timed(times), {
        runner: 'pytest',
        name: 's',
        shards: 1 + (round % 8),
      });
      const planned = plan.shards.flatMap((s) =>
        s.units.flatMap((u) =>
          u.arg === u.file ? tests.filter((t) => t.file === u.file).map((t) => t.handle) : [u.arg],
        ),
      );
      expect(planned.sort()).toEqual(tests.map((t) => t.handle).sort());
    }
  });
});

describe('timings', () => {
  const run = (time: string, branch: string, tests: Array<[string[], string, number]>) => ({
    time,
    branch,
    tests: tests.map(([places, name, seconds]) => ({ places, name, seconds })),
  });

  it("takes the median of the base branch's last runs; a pull request's runs do not count", () => {
    const runs = [
      run('2026-01-01', 'main', [[['a.py'], 't', 1]]),
      run('2026-01-02', 'main', [[['a.py'], 't', 2]]),
      run('2026-01-03', 'main', [[['a.py'], 't', 9]]),
      run('2026-01-04', 'feature', [[['a.py'], 't', 1000]]),
    ];
    expect(medianTimings(runs, ['a.py'], { branch: 'main', last: 10 }).files.get('a.py')).toBe(2);
    expect(medianTimings(runs, ['a.py'], { branch: 'main', last: 2 }).files.get('a.py')).toBe(5.5);
    expect(medianTimings(runs, ['a.py'], { branch: '*', last: 10 }).files.get('a.py')).toBe(5.5);
  });

  it('finds a test file from a dotted Python classname, and an absolute path by its end', () => {
    const runs = [
      run('2026-01-01', 'main', [
        [['tests.test_api.TestGet'], 'test_one', 2],
        [['tests.test_api'], 'test_two', 3],
        [['/home/runner/work/app/app/src/page.test.ts'], 'renders', 4],
      ]),
    ];
    const timings = medianTimings(runs, ['tests/test_api.py', 'src/page.test.ts'], {
      branch: 'main',
      last: 10,
    });
    expect(Object.fromEntries(timings.files)).toEqual({
      'tests/test_api.py': 5,
      'src/page.test.ts': 4,
    });
    expect(timings.tests.get('tests/test_api.py::test_one')).toBe(2);
  });
});

describe('output', () => {
  const plan = planShards(
    [
      { file: 'a.py', handle: 'a.py::test_x[<&>]', name: 'test_x[<&>]' },
      { file: 'a.py', handle: 'a.py::test_z', name: 'test_z' },
      { file: 'b.py', handle: 'b.py::test_y', name: 'test_y' },
    ],
    noTimings,
    // a.py weighs more than a third of the suite: its tests go to shards of their own.
    { runner: 'pytest', name: 'unit', shards: 3 },
  );

  it('a GitHub matrix on one line, each shard with its arguments shell-quoted', () => {
    const matrix = JSON.parse(formatPlan(plan, 'github-matrix')) as {
      include: Array<Record<string, unknown>>;
    };
    expect(matrix.include.map((i) => [i.shard, i.args])).toEqual([
      ['unit-1', 'b.py'],
      ['unit-2', "'a.py::test_x[<&>]'"],
      ['unit-3', 'a.py::test_z'],
    ]);
  });

  it("one shard's arguments, and a clear error for a shard the plan does not have", () => {
    expect(formatPlan(plan, 'args', 2)).toBe("'a.py::test_x[<&>]'\n");
    expect(() => formatPlan(plan, 'args', 4)).toThrow('--shard 4: the plan has shards 1 to 3');
    expect(() => formatPlan(plan, 'args')).toThrow('--format args needs --shard N');
  });

  it('refuses a matrix over what GitHub keeps of a job output', () => {
    const many = files(
      ...Array.from({ length: 20_000 }, (_, n) => `${'deep/'.repeat(10)}file-${n}.test.ts`),
    );
    const big = planShards(many, noTimings, { runner: 'files', name: 's', shards: 2 });
    expect(() => formatPlan(big, 'github-matrix')).toThrow(/over the 1000000 bytes GitHub keeps/);
  });
});
