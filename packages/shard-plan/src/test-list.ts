import { isAbsolute, relative } from 'node:path';
import { InputError } from '@testgate/stream';

/** The runners whose list output shard-plan reads and whose arguments it writes. */
export const RUNNERS = ['vitest', 'jest', 'playwright', 'pytest', 'go', 'files'] as const;
export type Runner = (typeof RUNNERS)[number];

/** One test, or one file of tests, as the runner listed it. */
export interface ListedTest {
  /** The test file (a Go package for go), relative to the root. */
  file: string;
  /** The runner's argument that runs this test alone (`tests/a.py::test_x`, `a.spec.ts:12`). */
  handle?: string;
  /** The test's name as its reports write it, to find its timing. */
  name?: string;
}

/**
 * Whether the runner can be told to run some of a file's tests (pytest node ids,
 * Playwright `file:line`): then a file slower than a shard is split into its tests. The
 * others filter by a name pattern that would apply to every file of the shard.
 */
export function splitsFiles(runner: Runner): boolean {
  return runner === 'pytest' || runner === 'playwright';
}

/**
 * Reads what a runner's list mode prints, one test or file a line: `vitest list
 * --filesOnly`, `jest --listTests`, `playwright test --list`, `pytest --collect-only -q`,
 * `go test -list . ./...` (its packages), or any list of files. Paths become relative to
 * `root`. A test listed twice is an error: it would run in two shards. (Playwright and
 * vitest list a test or file once per project, and running it runs it in all of them: those
 * lines are one.)
 */
export function readTestList(
  text: string,
  runner: Runner,
  root: string,
  source: string,
): ListedTest[] {
  const tests: ListedTest[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const test = parseLine(raw.trim(), runner, root);
    if (test === undefined) return;
    const key = test.handle ?? test.file;
    const first = seen.get(key);
    if (first !== undefined) {
      if (runner === 'playwright' || runner === 'vitest') return;
      throw new InputError(
        `${JSON.stringify(key)} is listed twice (first on line ${first})`,
        { file: source, line: index + 1 },
        'list each test once: a test in two shards runs twice',
      );
    }
    seen.set(key, index + 1);
    tests.push(test);
  });
  if (tests.length === 0)
    throw new InputError(
      `lists no ${runner} test`,
      { file: source },
      "pass what the runner's list mode prints (shard-plan --help shows each)",
    );
  return tests;
}

function parseLine(line: string, runner: Runner, root: string): ListedTest | undefined {
  if (line === '') return undefined;
  switch (runner) {
    case 'pytest': {
      // `tests/test_a.py::TestC::test_x[1]`; the summary ("3 tests collected") has no `::`.
      const at = line.indexOf('::');
      if (at === -1 || /\s/.test(line.slice(0, at))) return undefined;
      const file = relativeTo(root, line.slice(0, at));
      return {
        file,
        handle: `${file}${line.slice(at)}`,
        name: line.slice(line.lastIndexOf('::') + 2),
      };
    }
    case 'playwright': {
      // `[chromium] › page.spec.mjs:5:3 › a local page › shows its heading`
      const parts = line.split(' › ');
      const at = parts.findIndex((part) => /:\d+:\d+$/.test(part));
      if (at === -1) return undefined;
      const [, path, row] = /^(.+):(\d+):\d+$/.exec(parts[at]!)!;
      const file = relativeTo(root, path!);
      return { file, handle: `${file}:${row}`, name: parts.slice(at + 1).join(' › ') };
    }
    case 'go': {
      // `ok  	example.com/app/a	0.002s`, `?   	example.com/app/b	[no test files]`
      const m = /^ok\s+(\S+)/.exec(line);
      return m ? { file: m[1]! } : undefined;
    }
    default:
      // vitest (`[project] file` with projects), jest (absolute paths) and plain lists.
      return {
        file: relativeTo(root, runner === 'vitest' ? line.replace(/^\[[^\]]*\]\s+/, '') : line),
      };
  }
}

function relativeTo(root: string, path: string): string {
  const file = isAbsolute(path) ? relative(root, path) : path.replace(/^\.\//, '');
  return file.split('\\').join('/');
}
