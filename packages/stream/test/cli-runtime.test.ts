import { describe, expect, it } from 'vitest';
import {
  parseTimeSpan,
  ExitError,
  InputError,
  PipeClosedError,
  openStreamInput,
  runMain,
  sanitizeForTerminal,
  stderrColors,
  UsageError,
} from '../src/index.js';
import { memoryIo } from '../../../test-support/memory-io.js';

describe('runMain', () => {
  it('prints an expected error as one line with its place and hint, no stack', async () => {
    const { io, stderr } = memoryIo();
    const code = await runMain('tool', io, async () => {
      throw new InputError(
        'unclosed <testcase>',
        { file: 'results/api/junit.xml', line: 12 },
        'rerun the leg',
      );
    });
    expect(code).toBe(2);
    expect(stderr()).toBe(
      'tool: results/api/junit.xml:12: unclosed <testcase>\nhint: rerun the leg\n',
    );
  });

  it('exits 2 on a usage error', async () => {
    const { io, stderr } = memoryIo();
    expect(
      await runMain('tool', io, async () =>
        Promise.reject(new UsageError('--max-text must be a positive whole number, got: -1')),
      ),
    ).toBe(2);
    expect(stderr()).toBe('tool: --max-text must be a positive whole number, got: -1\n');
  });

  it('keeps the exit code of an ExitError', async () => {
    const { io } = memoryIo();
    expect(
      await runMain('tool', io, async () => Promise.reject(new ExitError(1, 'gate is red'))),
    ).toBe(1);
  });

  it('exits 0 quietly when the reader went away', async () => {
    const { io, stderr } = memoryIo();
    expect(await runMain('tool', io, async () => Promise.reject(new PipeClosedError()))).toBe(0);
    expect(stderr()).toBe('');
  });

  it('reports anything else as a bug with its stack and exit 2, never 0', async () => {
    const { io, stderr } = memoryIo();
    const code = await runMain('tool', io, async () => {
      throw new TypeError('x is undefined');
    });
    expect(code).toBe(2);
    expect(stderr()).toMatch(/^tool: internal error, this is a bug/);
    expect(stderr()).toMatch(/TypeError: x is undefined\n\s+at /);
  });

  it('strips terminal escapes from untrusted text in messages', async () => {
    const { io, stderr } = memoryIo();
    await runMain('tool', io, async () => Promise.reject(new UsageError('bad \u001b[2Jname')));
    expect(stderr()).toBe('tool: bad [2Jname\n');
  });
});

describe('terminal', () => {
  it('colours stderr only on a TTY without NO_COLOR', () => {
    expect(stderrColors({ isTTY: true }, {}).red('x')).not.toBe('x');
    expect(stderrColors({ isTTY: true }, { NO_COLOR: '' }).red('x')).toBe('x');
    expect(stderrColors({ isTTY: false }, {}).red('x')).toBe('x');
  });

  it('keeps tabs and newlines but drops other control characters', () => {
    expect(sanitizeForTerminal('a\tb\nc\u0007d\u009be')).toBe('a\tb\ncde');
  });
});

describe('parseTimeSpan', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['12h', 12 * 3_600_000],
    [' 30d ', 30 * 86_400_000],
    ['8w', 8 * 7 * 86_400_000],
  ])('reads %j', (text, ms) => {
    expect(parseTimeSpan(text)).toBe(ms);
  });

  it.each(['0d', '30', '30 days', '1.5d', '-2h', ''])('refuses %j', (text) => {
    expect(parseTimeSpan(text)).toBeUndefined();
  });
});

describe('openStreamInput', () => {
  it('says what a stream path is when it is no file to read: a folder, a device', async () => {
    const { io } = memoryIo();
    for (const [path, what] of [
      ['/tmp', 'a folder, not a stream file'],
      ['/dev/null', 'a device, not a stream file'],
      ['/no/such/stream.jsonl', 'no such file'],
    ] as const) {
      await expect(openStreamInput(path, io, 'tool')).rejects.toMatchObject({
        message: what,
        place: { file: path },
      });
    }
  });
});
