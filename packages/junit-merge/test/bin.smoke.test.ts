import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { records, repoRoot } from './_run.js';

// Through real pipes between the built binaries, as a CI job runs them.
const bin = join(repoRoot, 'packages/junit-merge/bin.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'junit-merge-bin-'));
  const cases = Array.from(
    { length: 20_000 },
    (_, n) => `<testcase classname="big" name="t${n}" time="0.001"/>`,
  ).join('\n');
  writeFileSync(join(dir, 'big.xml'), `<testsuite name="big">\n${cases}\n</testsuite>\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string) {
  return spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; ${script}`], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' },
  });
}

describe('junit-merge binary', () => {
  it('writes a valid stream into a pipe', () => {
    const result = sh(`node ${bin} big.xml -q | cat`);
    expect(result.status).toBe(0);
    const out = records(result.stdout);
    expect(out).toHaveLength(20_003);
    expect(out.at(-1)).toEqual({ type: 'end', tool: 'junit-merge', records: 20_002 });
  });

  it('exits 0 without a stack trace when the reader closes the pipe early (| head)', () => {
    const result = sh(`node ${bin} big.xml -q | head -n 1`);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ type: 'run' });
  });

  it('exits 0 quietly when the reader of --format junit closes the pipe early (it exited 13)', () => {
    const result = sh(`node ${bin} big.xml -q --format junit | head -n 1`);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('<?xml version="1.0" encoding="UTF-8"?>\n');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'leaves the output as it was, and nothing beside it, when stopped by %s in the middle of a run',
    async (signal) => {
      const out = mkdtempSync(join(dir, 'out-'));
      writeFileSync(join(out, 'run.jsonl'), 'the last good run\n');
      // The output is open beside its place; then stdin, which never ends, is read.
      const child = spawn(
        process.execPath,
        [bin, 'big.xml', '-', '-q', '-o', join(out, 'run.jsonl')],
        {
          cwd: dir,
          env: { PATH: process.env.PATH },
          stdio: ['pipe', 'ignore', 'pipe'],
        },
      );
      for (let i = 0; i < 200 && readdirSync(out).length < 2; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(readdirSync(out)).toHaveLength(2);
      const [, stopped] = await Promise.all([
        new Promise((r) => setTimeout(r, 100)).then(() => child.kill(signal)),
        new Promise<NodeJS.Signals | null>((done) => child.on('close', (_, s) => done(s))),
      ]);
      expect(stopped).toBe(signal);
      expect(readdirSync(out)).toEqual(['run.jsonl']);
      expect(readFileSync(join(out, 'run.jsonl'), 'utf8')).toBe('the last good run\n');
    },
  );

  it('exits 2 with one line and no stack trace on bad input', () => {
    const result = sh(`node ${bin} nowhere.xml`);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'junit-merge: nowhere.xml: no such file\nhint: check the path, or quote a glob so the shell does not expand it\n',
    );
  });

  it('writes the same bytes on worker threads as in one thread', () => {
    const files = Array.from({ length: 6 }, (_, n) => `leg-${n}/junit.xml`);
    for (const [n, file] of files.entries()) {
      const cases = Array.from({ length: 2000 }, (_, i) =>
        i % 7
          ? `<testcase classname="c${n}" name="t${i}"/>`
          : `<testcase classname="c${n}" name="t${i}"><failure message="x"/></testcase>`,
      );
      mkdirSync(join(dir, 'legs', `leg-${n}`), { recursive: true });
      writeFileSync(
        join(dir, 'legs', file),
        `<testsuite timestamp="2026-01-0${n + 1}T00:00:00">${cases.join('')}</testsuite>`,
      );
    }
    const one = sh(`node ${bin} 'legs/**/*.xml' -q --jobs 1`);
    const many = sh(`node ${bin} 'legs/**/*.xml' -q --jobs 3`);
    expect(one.status).toBe(0);
    expect(many.status).toBe(0);
    expect(many.stdout).toBe(one.stdout);
    expect(records(many.stdout).filter((r) => r.type === 'leg')).toHaveLength(6);
    // Into a file, each thread writes its leg itself once the legs before it are in.
    for (const jobs of [1, 3]) {
      expect(sh(`node ${bin} 'legs/**/*.xml' -q --jobs ${jobs} -o out-${jobs}.jsonl`).status).toBe(
        0,
      );
      expect(readFileSync(join(dir, `out-${jobs}.jsonl`), 'utf8')).toBe(one.stdout);
    }
  });

  it('reads a report piped into stdin', () => {
    const result = sh(`cat big.xml | node ${bin} --leg piped -q | wc -l`);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('20003');
  });
});
