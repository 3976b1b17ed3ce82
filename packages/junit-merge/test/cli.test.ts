import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticRecord, LegRecord, TestRecord } from '@testgate/stream';
import { fixture, merge, records } from './_run.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'junit-merge-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lays out reports the way actions/download-artifact does: artifacts/<leg>/<file>. */
function artifacts(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, 'artifacts', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'artifacts', path), content);
  }
}

const passing =
  '<testsuite name="s" timestamp="2026-02-03T04:05:06"><testcase classname="c" name="ok" time="1"/></testsuite>';
const failing =
  '<testsuite name="s" timestamp="2026-02-03T04:00:00"><testcase classname="c" name="ok"><failure message="no"/></testcase></testsuite>';

describe('junit-merge CLI', () => {
  it('merges every leg of an artifact folder, in leg order, with the run from the CI environment', async () => {
    artifacts({
      'worker-22/junit.xml': passing,
      'api-22/junit.xml': failing,
      'api-22/attempt-2/junit.xml': passing,
    });
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_SHA: 'f00',
      GITHUB_REF_NAME: 'main',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '1',
    };
    const { code, stdout, stderr } = await merge(['artifacts/**/*.xml'], { cwd: dir, env });
    expect(code).toBe(0);
    const out = records(stdout);
    expect(
      out.map((r) => `${r.type}:${r.type === 'test' ? r.id : r.type === 'leg' ? r.name : ''}`),
    ).toEqual(['run:', 'leg:api-22', 'test:c::ok', 'leg:worker-22', 'test:c::ok', 'end:']);
    expect(out[0]).toEqual({
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      commit: 'f00',
      branch: 'main',
      ci: 'github',
      runId: '42',
      attempt: 1,
      startedAt: '2026-02-03T04:00:00.000Z',
    });
    expect((out[2] as TestRecord).outcome).toBe('flaky');
    expect((out[1] as LegRecord).files).toEqual([
      'artifacts/api-22/junit.xml',
      'artifacts/api-22/attempt-2/junit.xml',
    ]);
    expect(out[5]).toEqual({ type: 'end', tool: 'junit-merge', records: 5 });
    expect(stderr).toBe(
      'junit-merge: 2 leg(s), 2 test(s), 0 failed, 1 flaky, 0 error diagnostic(s)\n',
    );
  });

  it('reads what a glob matches (hidden folders too, a matched folder not expanded) and every .xml under a folder named', async () => {
    artifacts({
      'top.xml': passing,
      'api-22/junit.xml': passing,
      '.hidden-22/junit.xml': passing,
      'api-22/notes.txt': 'not a report',
    });
    const legsOf = async (args: string[]): Promise<string[]> => {
      const { code, stdout } = await merge([...args, '-q'], { cwd: dir });
      expect(code).toBe(0);
      return records(stdout).flatMap((r) => (r.type === 'leg' ? [r.name] : []));
    };
    expect(await legsOf(['artifacts/*'])).toEqual(['top']);
    expect(await legsOf(['artifacts/**/*.xml'])).toEqual(['.hidden-22', 'api-22', 'top']);
    expect(await legsOf(['artifacts'])).toEqual(['.hidden-22', 'api-22', 'top']);
  });

  it('reads a leg whose folder name holds a line break, by glob and by folder: its failure is not lost', async () => {
    artifacts({ 'evil\nleg/junit.xml': failing, 'ok/junit.xml': passing });
    for (const input of ['artifacts/**/*.xml', 'artifacts']) {
      const { code, stdout } = await merge([input, '-q'], { cwd: dir });
      expect(code).toBe(0);
      const legs = records(stdout).filter((r): r is LegRecord => r.type === 'leg');
      expect(legs.map((l) => [l.name, l.counts.failed])).toEqual([
        ['evil\nleg', 1],
        ['ok', 0],
      ]);
    }
  });

  it('reads regular files only: a FIFO is skipped with a warning instead of hanging, a symlink loop reads each report once', async () => {
    artifacts({ 'api/junit.xml': passing });
    execFileSync('mkfifo', [join(dir, 'artifacts/api/pipe.xml')]);
    symlinkSync('..', join(dir, 'artifacts/api/loop'));
    const { code, stdout } = await merge(['artifacts', '-q'], { cwd: dir });
    expect(code).toBe(0);
    const out = records(stdout);
    expect(out.filter((r) => r.type === 'leg').map((l) => (l as LegRecord).files)).toEqual([
      ['artifacts/api/junit.xml'],
    ]);
    expect(
      out.flatMap((r) => (r.type === 'diagnostic' ? [[r.severity, r.code, r.file]] : [])),
    ).toEqual([['warning', 'report-skipped', 'artifacts/api/pipe.xml']]);
  });

  it('takes an argument that names an existing file literally, glob characters and $(…) included', async () => {
    artifacts({ 'api/[1] $(touch x).xml': failing });
    const { code, stdout } = await merge(['artifacts/api/[1] $(touch x).xml', '-q'], { cwd: dir });
    expect(code).toBe(0);
    expect(
      records(stdout)
        .filter((r) => r.type === 'test')
        .map((t) => (t as TestRecord).outcome),
    ).toEqual(['failed']);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('says in one line that -o cannot be written, and never cuts a good output file', async () => {
    artifacts({ 'api/junit.xml': passing, 'broken/junit.xml': '<testsuite><testcase' });
    for (const format of ['ndjson', 'junit']) {
      const full = await merge(['artifacts', '-q', '--format', format, '-o', '/dev/full'], {
        cwd: dir,
      });
      expect(full.code).toBe(2);
      expect(full.stderr).toMatch(/^junit-merge: .*cannot write.*\(ENOSPC\)\n/);
      expect(full.stderr).not.toMatch(/\n\s+at /);
      writeFileSync(join(dir, 'out'), 'the last good output\n');
      const strict = await merge(['artifacts', '-q', '--strict', '--format', format, '-o', 'out'], {
        cwd: dir,
      });
      expect(strict.code).toBe(2);
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('the last good output\n');
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('records an expected leg with no report as missing, with an error diagnostic, and exits 0', async () => {
    artifacts({ 'api-22/junit.xml': passing, 'extra/junit.xml': passing });
    const { code, stdout, stderr } = await merge(
      ['artifacts', '--expect', '["api-22",{"name":"api-24","node":24}]', '-q'],
      { cwd: dir },
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const out = records(stdout);
    const missing = out.find((r): r is LegRecord => r.type === 'leg' && r.name === 'api-24');
    expect(missing).toEqual({
      type: 'leg',
      name: 'api-24',
      status: 'missing',
      matrix: { node: 24 },
      files: [],
      counts: { tests: 0, passed: 0, failed: 0, error: 0, skipped: 0, flaky: 0 },
    });
    const diagnostics = out
      .filter((r): r is DiagnosticRecord => r.type === 'diagnostic')
      .map((d) => [d.leg, d.severity, d.code]);
    expect(diagnostics).toEqual([
      ['api-24', 'error', 'leg-missing'],
      ['extra', 'warning', 'leg-unexpected'],
    ]);
  });

  it('reads --expect from a file', async () => {
    artifacts({ 'a/junit.xml': passing });
    writeFileSync(join(dir, 'legs.json'), '["a", "b"]');
    const out = records(
      (await merge(['artifacts', '--expect', 'legs.json', '-q'], { cwd: dir })).stdout,
    );
    expect(out.filter((r) => r.type === 'leg').map((r) => (r as LegRecord).status)).toEqual([
      'reported',
      'missing',
    ]);
  });

  it('keeps going past a broken file: the others come through and the broken one is an error diagnostic', async () => {
    artifacts({ 'a/junit.xml': passing, 'b/junit.xml': '<testsuite>\n<testcase name="x">\n' });
    const { code, stdout, stderr } = await merge(['artifacts/**/*.xml'], { cwd: dir });
    expect(code).toBe(0);
    expect(stderr).toContain(
      'junit-merge: error: artifacts/b/junit.xml:3: file ends inside <testcase>: the report was cut off\n',
    );
    const out = records(stdout);
    expect(out.filter((r) => r.type === 'test')).toHaveLength(1);
    expect(out.find((r) => r.type === 'diagnostic')).toMatchObject({
      severity: 'error',
      code: 'report-truncated',
      file: 'artifacts/b/junit.xml',
      line: 3,
      leg: 'b',
    });
  });

  it('--strict exits 2 at the first unusable report, naming file and line, and writes no stream', async () => {
    artifacts({ 'a/junit.xml': '<html><body>502</body></html>' });
    const { code, stdout, stderr } = await merge(['artifacts/**/*.xml', '--strict'], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'junit-merge: artifacts/a/junit.xml:1: not a JUnit report: the root element is <html>\nhint: expected <testsuites> or <testsuite>; is this an error page saved as XML?\n',
    );
  });

  it('reads a report from stdin', async () => {
    const { code, stdout } = await merge(['-', '--leg', 'piped', '-q'], {
      stdin: passing,
      cwd: dir,
    });
    expect(code).toBe(0);
    const out = records(stdout);
    expect(out[1]).toMatchObject({ type: 'leg', name: 'piped', files: ['-'] });
    expect(out[2]).toMatchObject({
      id: 'c::ok',
      attempts: [{ outcome: 'passed', duration: 1 }],
    });
  });

  it('is deterministic: the same inputs give the same bytes', async () => {
    artifacts({
      'a/junit.xml': fixture('junit/pytest/xunit2.xml'),
      'b/junit.xml': fixture('junit/vitest/outcomes.xml'),
    });
    const first = await merge(['artifacts'], { cwd: dir });
    const second = await merge(['artifacts'], { cwd: dir });
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout.length).toBeGreaterThan(1000);
  });

  it('takes startedAt from the clock only when neither flag nor reports give one', async () => {
    const { stdout } = await merge(['-', '-q'], {
      stdin: '<testsuite><testcase name="t"/></testsuite>',
      cwd: dir,
    });
    expect(records(stdout)[0]).toMatchObject({ startedAt: '2026-01-02T03:04:05.000Z' });
  });

  it('writes one merged JUnit document that reads back to the same outcomes', async () => {
    artifacts({
      'a/junit.xml': fixture('junit/playwright/include-retries.xml'),
      'b/junit.xml': fixture('junit/pytest/xunit2.xml'),
    });
    const xml = await merge(['artifacts', '--format', 'junit', '--expect', '["a","b","c"]', '-q'], {
      cwd: dir,
    });
    expect(xml.code).toBe(0);
    expect(xml.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="junit-merge">/,
    );
    expect(xml.stdout).toContain(
      '<testcase classname="junit-merge" name="leg-missing c"><error message="expected leg &quot;c&quot; has no report"',
    );
    const direct = records((await merge(['artifacts', '-q'], { cwd: dir })).stdout).filter(
      (r): r is TestRecord => r.type === 'test',
    );
    const back = records(
      (await merge(['-', '--leg', 'x', '-q'], { stdin: xml.stdout, cwd: dir })).stdout,
    ).filter((r): r is TestRecord => r.type === 'test' && r.classname !== 'junit-merge');
    const summary = (tests: TestRecord[]) =>
      tests.map((t) => `${t.classname}|${t.name}|${t.outcome}|${t.attempts.length}`).sort();
    expect(summary(back)).toEqual(summary(direct));
  });

  it('writes the same bytes into a file (leg by leg, start time set last) as to stdout', async () => {
    artifacts({
      'a/junit.xml': passing,
      'b/junit.xml': failing,
      'c/junit.xml': fixture('junit/node-test/outcomes.xml'),
    });
    const piped = await merge(['artifacts', '-q'], { cwd: dir });
    expect((await merge(['artifacts', '-q', '-o', 'direct.jsonl'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'direct.jsonl'), 'utf8')).toBe(piped.stdout);
    expect(records(piped.stdout)[0]).toMatchObject({ startedAt: '2026-02-03T04:00:00.000Z' });
  });

  it('leaves no half-written file when --strict stops it', async () => {
    artifacts({ 'a/junit.xml': passing, 'b/junit.xml': '<html/>' });
    expect(
      (await merge(['artifacts', '-q', '--strict', '-o', 'out.jsonl'], { cwd: dir })).code,
    ).toBe(2);
    expect(existsSync(join(dir, 'out.jsonl'))).toBe(false);
  });

  it('writes to a file with -o', async () => {
    artifacts({ 'a/junit.xml': passing });
    expect((await merge(['artifacts', '-o', 'out.jsonl', '-q'], { cwd: dir })).stdout).toBe('');
    expect(records(readFileSync(join(dir, 'out.jsonl'), 'utf8')).map((r) => r.type)).toEqual([
      'run',
      'leg',
      'test',
      'end',
    ]);
  });

  it('prints its help on --help and exits 0', async () => {
    const { code, stdout } = await merge(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^junit-merge \[files\|globs\|-\]\.\.\. \[options\]/);
    expect(stdout).toContain('--expect');
  });

  it.each([
    [['--bogus'], 'junit-merge: Unknown argument: bogus\nhint: see junit-merge --help\n'],
    [
      ['--format', 'xml', 'a.xml'],
      'junit-merge: Invalid values:\n  Argument: format, Given: "xml", Choices: "ndjson", "junit"\nhint: see junit-merge --help\n',
    ],
    [
      ['--max-text', '0', 'a.xml'],
      'junit-merge: --max-text must be a whole number from 1, got: 0\n',
    ],
    [
      ['--started-at', 'tuesday', 'a.xml'],
      'junit-merge: --started-at must be an ISO 8601 timestamp, got: "tuesday"\n',
    ],
    [
      [],
      'junit-merge: no input: name report files or globs, or pipe a report into stdin\nhint: see junit-merge --help\n',
    ],
    [
      ['missing.xml'],
      'junit-merge: missing.xml: no such file\nhint: check the path, or quote a glob so the shell does not expand it\n',
    ],
    [
      ['nothing/**/*.xml'],
      'junit-merge: nothing/**/*.xml: no report matched "nothing/**/*.xml"\nhint: check the pattern and that the artifacts were downloaded; pass --expect to record the missing legs instead\n',
    ],
    [
      ['--expect', '{}', 'a.xml'],
      'junit-merge: --expect (inline): must be a JSON array, got: "{}"\nhint: pass a JSON array of leg names or of objects with "name", matrix values and optionally "blocking": false and "planned" seconds, or a plan shard-plan wrote, inline or as a file\n',
    ],
  ])('exits 2 on bad usage %j with one clear message', async (argv, message) => {
    const { code, stdout, stderr } = await merge(argv, { cwd: dir });
    expect(stderr).toBe(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('with --expect and nothing downloaded, still writes a stream whose legs are all missing', async () => {
    const { code, stdout } = await merge(['nothing/**/*.xml', '--expect', '["a"]', '-q'], {
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(records(stdout).map((r) => r.type)).toEqual(['run', 'leg', 'diagnostic', 'end']);
  });
});
