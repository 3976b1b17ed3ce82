import { describe, expect, it } from 'vitest';
import { ExitCode, command, defineTool, opt } from '../src/index.js';
import { memoryIo } from '../../../test-support/memory-io.js';

const options = {
  count: opt.int({ min: 0, default: 3, describe: 'How many' }),
  jobs: opt.int({ describe: 'Threads' }),
  share: opt.rate({ default: 0.5, describe: 'A share' }),
  outage: opt.percent({ default: 10, describe: 'A percentage' }),
  window: opt.timeSpan({ default: '30d', describe: 'How far back' }),
  today: opt.isoDate({ describe: 'The day' }),
  at: opt.timestamp({ describe: 'When' }),
  mode: opt.oneOf(['warn', 'fail'], { default: 'warn', describe: 'What to do' }),
  expect: opt.texts({ describe: 'May be given more than once' }),
  quiet: opt.flag({ alias: 'q', describe: 'Say nothing' }),
};

async function run(argv: string[]) {
  let seen: unknown;
  const main = defineTool({
    name: 'tool',
    usage: 'tool [words...] [options]',
    options,
    epilogue: 'Exit codes: 0 done, 2 usage error.',
    async run(args) {
      seen = args;
      return ExitCode.ok;
    },
  });
  const mem = memoryIo();
  const code = await main(argv, mem.io);
  return { code, seen, stdout: mem.stdout(), stderr: mem.stderr() };
}

describe('defineTool', () => {
  it('gives run the checked, typed values and the positional words', async () => {
    const { code, seen } = await run([
      'a',
      '--window',
      '12h',
      '--at',
      '2026-03-01 07:30:00+01:00',
      '--expect',
      'x',
      '--expect',
      'y',
      'b',
      '-q',
    ]);
    expect(code).toBe(0);
    expect(seen).toEqual({
      _: ['a', 'b'],
      count: 3,
      jobs: undefined,
      share: 0.5,
      outage: 10,
      window: 12 * 3_600_000,
      today: undefined,
      at: '2026-03-01T06:30:00.000Z',
      mode: 'warn',
      expect: ['x', 'y'],
      quiet: true,
    });
  });

  it.each([
    [['--count', '-1'], '--count must be a whole number from 0, got: -1'],
    [['--jobs', '1.5'], '--jobs must be a whole number from 1, got: 1.5'],
    [['--share', '2'], '--share must be a rate between 0 and 1, got: 2'],
    [['--outage', '0'], '--outage must be a percentage above 0, got: 0'],
    [['--window', '30'], '--window must be a length of time like 30d, 12h, 8w or 90m, got: "30"'],
    [['--today', '2026-02-30'], '--today must be a date YYYY-MM-DD, got: "2026-02-30"'],
    [['--today', '2026-13-45'], '--today must be a date YYYY-MM-DD, got: "2026-13-45"'],
    [['--at', 'tuesday'], '--at must be an ISO 8601 timestamp, got: "tuesday"'],
  ])('refuses %j in one line, exit 2', async (argv, message) => {
    const { code, stderr, seen } = await run(argv);
    expect(stderr).toBe(`tool: ${message}\n`);
    expect(code).toBe(2);
    expect(seen).toBeUndefined();
  });

  it('says what is wrong with an unknown option or choice, exit 2, and prints --help on stdout', async () => {
    expect((await run(['--nope'])).stderr).toMatch(/^tool: Unknown argument: nope\n/);
    const choice = await run(['--mode', 'loud']);
    expect(choice.code).toBe(2);
    expect(choice.stderr).toMatch(/Invalid values:.*Given: "loud", Choices: "warn", "fail"/s);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tool [words...] [options]');
    expect(help.stdout).toContain('--window  How far back');
    expect(help.stdout).toContain('Exit codes: 0 done, 2 usage error.');
  });

  it('runs the command named, with the options every command takes, its positional first', async () => {
    const seen: unknown[] = [];
    const global = { history: opt.text({ default: 'h', describe: 'The history' }) };
    const main = defineTool({
      name: 'tool',
      usage: 'tool [stream] | tool prune',
      options: global,
      commands: [
        command(global, {
          command: '$0 [stream]',
          describe: 'Read a stream',
          options: { record: opt.flag({ describe: 'Record it' }) },
          run: async (args) => (seen.push(['read', args._, args.history, args.record]), 0),
        }),
        command(global, {
          command: 'prune',
          describe: 'Drop old entries',
          options: { days: opt.int({ default: 30, describe: 'Days kept' }) },
          run: async (args) => (seen.push(['prune', args._, args.history, args.days]), 0),
        }),
      ],
      epilogue: 'Exit codes: 0 done.',
    });
    expect(await main(['run.jsonl', '--record'], memoryIo().io)).toBe(0);
    expect(await main(['prune', '--history', 'elsewhere', '--days', '7'], memoryIo().io)).toBe(0);
    const wrong = memoryIo();
    expect(await main(['prune', '--record'], wrong.io)).toBe(2);
    expect(wrong.stderr()).toMatch(/Unknown argument: record/);
    expect(seen).toEqual([
      ['read', ['run.jsonl'], 'h', true],
      ['prune', [], 'elsewhere', 7],
    ]);
  });
});
