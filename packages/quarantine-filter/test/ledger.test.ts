import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { formatLedger, parseLedger } from '../src/index.js';
import { memoryIo } from '../../../test-support/memory-io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'quarantine-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function q(...argv: string[]) {
  const mem = memoryIo({ cwd: dir });
  const code = await main([...argv, '--today', '2026-11-01'], mem.io);
  return { code, stdout: mem.stdout(), stderr: mem.stderr() };
}

const good = {
  test: 't',
  reason: 'r',
  owner: 'o',
  quarantinedDate: '2026-10-01',
  deadline: '2026-11-10',
};

describe('the ledger', () => {
  it.each([
    ['{"quarantined": [', /^not JSON/],
    ['{"tests": []}', /^invalid ledger: must have required property 'quarantined'$/],
    [
      JSON.stringify({ quarantined: [{ ...good, owner: undefined }] }),
      /^entry 0 \(test "t"\): must have required property 'owner'$/,
    ],
    [
      JSON.stringify({ quarantined: [good, { ...good, test: 'u', deadline: 'next week' }] }),
      /^entry 1 \(test "u"\): deadline must match pattern/,
    ],
    [
      JSON.stringify({ quarantined: [{ ...good, deadline: '2026-02-30' }] }),
      /^entry 0 \(test "t"\): deadline "2026-02-30" is not a date$/,
    ],
    [
      JSON.stringify({ quarantined: [{ ...good, reason: '' }] }),
      /^entry 0 \(test "t"\): reason must NOT have fewer than 1 characters$/,
    ],
  ])('rejects %s, naming the entry and field', (text, message) => {
    expect(() => parseLedger(text, 'q.json')).toThrow(message);
  });

  it('is written sorted, with its keys in one order and unknown keys kept', () => {
    const ledger = parseLedger(
      JSON.stringify({
        quarantined: [
          {
            owner: 'o',
            jira: 'X-1',
            test: 'z',
            deadline: '2026-11-10',
            reason: 'r',
            quarantinedDate: '2026-10-01',
          },
          good,
        ],
      }),
      'q.json',
    );
    expect(formatLedger(ledger)).toBe(
      `{\n  "quarantined": [\n    {\n      "test": "t",\n      "reason": "r",\n      "owner": "o",\n      "quarantinedDate": "2026-10-01",\n      "deadline": "2026-11-10"\n    },\n    {\n      "test": "z",\n      "reason": "r",\n      "owner": "o",\n      "quarantinedDate": "2026-10-01",\n      "deadline": "2026-11-10",\n      "jira": "X-1"\n    }\n  ]\n}\n`,
    );
  });
});

describe('the commands', () => {
  it('twenty parallel adds of different tests from separate processes keep all twenty', async () => {
    const bin = join(import.meta.dirname, '../bin.js');
    const add = (n: number) =>
      new Promise<number | null>((done) => {
        const child = spawn(
          process.execPath,
          [bin, 'add', '--test', `t${n}`, '--owner', 'o', '--reason', 'r', '--days', '7'],
          { cwd: dir, stdio: 'ignore' },
        );
        child.on('close', done);
      });
    const codes = await Promise.all(Array.from({ length: 20 }, (_, n) => add(n)));
    expect(codes).toEqual(Array.from({ length: 20 }, () => 0));
    const ledger = parseLedger(
      readFileSync(join(dir, 'quarantine.json'), 'utf8'),
      'quarantine.json',
    );
    expect(ledger.quarantined.map((e) => e.test).sort()).toEqual(
      Array.from({ length: 20 }, (_, n) => `t${n}`).sort(),
    );
    expect(readdirSync(dir)).toEqual(['quarantine.json']);
  });

  it('says in one line that a ledger in a missing folder cannot be written', async () => {
    const { code, stderr } = await q(
      'add',
      '--file',
      'missing/q.json',
      '--test',
      't',
      '--owner',
      'o',
      '--reason',
      'r',
      '--days',
      '3',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^quarantine-filter: .*missing: no such folder or file \(ENOENT\)\nhint: check that the folder exists\n$/,
    );
  });

  it('add writes an entry dated today, atomically, and list shows it', async () => {
    expect(
      (
        await q(
          'add',
          '--test',
          'a::b',
          '--owner',
          'team',
          '--reason',
          'flaky',
          '--days',
          '7',
          '--issue',
          'https://example.test/1',
        )
      ).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'quarantine.json'), 'utf8'))).toEqual({
      quarantined: [
        {
          test: 'a::b',
          reason: 'flaky',
          owner: 'team',
          quarantinedDate: '2026-11-01',
          deadline: '2026-11-08',
          issue: 'https://example.test/1',
        },
      ],
    });
    expect(readdirSync(dir)).toEqual(['quarantine.json']);
    const list = await q('list');
    expect(list.stdout).toBe(
      'days    owner  deadline    test  reason\n7 left  team   2026-11-08  a::b  flaky\n',
    );
  });

  it.each([
    [
      ['add', '--test', 'a', '--reason', 'r', '--days', '3'],
      'quarantine-filter: --owner must be given: every quarantine has a test, an owner and a reason\n',
    ],
    [
      ['add', '--test', 'a', '--owner', 'o', '--reason', 'r'],
      'quarantine-filter: --deadline must be given, as a date or as a number of days from today (one of the two)\nhint: a quarantine is not a parking lot\n',
    ],
    [
      ['add', '--test', 'a', '--owner', 'o', '--reason', 'r', '--deadline', '2026-12-31'],
      'quarantine-filter: --deadline must be at most 30 days away (it is 60), got: "2026-12-31"\nhint: fix sooner, or raise the longest allowed quarantine deliberately\n',
    ],
    [
      ['remove', '--test', 'nope'],
      'quarantine-filter: quarantine.json: cannot read the ledger (ENOENT)\nhint: nothing is quarantined yet: an empty ledger is { "quarantined": [] }\n',
    ],
  ])('refuses %j with exit 2 and leaves the file untouched', async (argv, message) => {
    writeFileSync(join(dir, 'keep.json'), '{"quarantined": []}');
    const r = await q(...argv);
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
    expect(readdirSync(dir)).toEqual(['keep.json']);
  });

  it('remove takes the entry out; check exits 1 naming each overdue entry and owner', async () => {
    writeFileSync(
      join(dir, 'quarantine.json'),
      JSON.stringify({
        quarantined: [
          { ...good, deadline: '2026-10-20' },
          { ...good, test: 'u', owner: 'p' },
        ],
      }),
    );
    const check = await q('check');
    expect(check.code).toBe(1);
    expect(check.stderr).toBe(
      'quarantine-filter: quarantine.json: 1 quarantine entry is overdue:\n  t (owner o): 12 day(s) past 2026-10-20\nhint: fix each test and remove its entry, or extend its deadline with a reason\n',
    );
    expect((await q('remove', '--test', 't')).code).toBe(0);
    expect((await q('check')).code).toBe(0);
    expect(JSON.parse((await q('list', '--json')).stdout)).toEqual([
      { ...good, test: 'u', owner: 'p', daysLeft: 9 },
    ]);
  });
});
