import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { memoryIo } from '../../../test-support/memory-io.js';

async function gate(argv: string[], stdin?: string) {
  const mem = memoryIo(stdin === undefined ? {} : { stdin });
  const code = await main(argv, mem.io);
  return { code, stdout: mem.stdout(), stderr: mem.stderr() };
}

describe('gate-verdict CLI', () => {
  it.each([
    [
      ['--flaky', 'maybe'],
      'gate-verdict: Invalid values:\n  Argument: flaky, Given: "maybe", Choices: "warn", "fail"\nhint: see gate-verdict --help\n',
    ],
    [
      ['a.jsonl', 'b.jsonl'],
      'gate-verdict: expected at most one stream, got 2: a.jsonl b.jsonl\nhint: concatenate streams with cat, or merge them with junit-merge\n',
    ],
    [
      ['missing.jsonl'],
      'gate-verdict: missing.jsonl: no such file\nhint: name the file junit-merge wrote, or pipe the stream in\n',
    ],
    [['--budgets', 'nope.json', '-'], 'gate-verdict: --budgets nope.json: cannot read (ENOENT)\n'],
    [
      [],
      'gate-verdict: no input: pipe a testgate stream in, or name a stream file\nhint: see gate-verdict --help\n',
    ],
  ])('exits 2 on bad usage %j', async (argv, message) => {
    const r = await gate(argv);
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
  });

  it('prints its help and exits 0', async () => {
    const r = await gate(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gate-verdict \[stream\] \[options\]/);
  });

  it('is red, not green, on an empty stream', async () => {
    const r = await gate(['-'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'gate-verdict: RED, -: empty input: no records (the stage before this one stopped: its own error says why)\n',
    );
  });
});
