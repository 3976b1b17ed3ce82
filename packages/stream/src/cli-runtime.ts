import type { Readable, Writable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, ExitError, InputError, UsageError, formatError } from './errors.js';
import { PipeClosedError } from './write-stream.js';

/** Everything a CLI touches of its process, injected so that tests run it in-process. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** The clock, for the few values that have no other source. */
  now: () => Date;
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

function isPipeClosed(error: unknown): boolean {
  return error instanceof PipeClosedError || (error as NodeJS.ErrnoException)?.code === 'EPIPE';
}

/**
 * Runs a CLI body and maps what it throws to the house exit codes: an ExitError prints
 * its one-line message (and hint), a closed downstream pipe is a quiet 0, anything else
 * is a bug: its stack is printed and the exit code is 2, never 0.
 */
export async function runMain(
  tool: string,
  io: CliIo,
  body: () => Promise<number>,
): Promise<number> {
  // A reader that goes away (`| head`) makes stdout emit EPIPE; without a listener Node
  // would crash with a stack trace.
  const onError = (): void => {};
  io.stdout.on('error', onError);
  try {
    const code = await body();
    // What the body wrote without waiting (annotations, say) is flushed while the listener
    // is still there: a reader gone by then (`| true`) made stdout emit EPIPE after it.
    const failure = await new Promise<Error | null | undefined>((done) =>
      io.stdout.write('', (error) => done(error)),
    );
    if (failure && !isPipeClosed(failure)) throw failure;
    return code;
  } catch (error) {
    if (isPipeClosed(error)) return ExitCode.ok;
    if (error instanceof ExitError) {
      io.stderr.write(`${formatError(tool, error)}\n`);
      return error.code;
    }
    const system = systemError(error);
    if (system) {
      io.stderr.write(`${formatError(tool, system)}\n`);
      return system.code;
    }
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(
      `${tool}: internal error, this is a bug: please report it with the input that caused it\n${stack}\n`,
    );
    return ExitCode.unusable;
  } finally {
    io.stdout.off('error', onError);
  }
}

// What a failed system call did, in the words of a message.
const VERBS: Record<string, string> = {
  read: 'cannot read',
  open: 'cannot open',
  write: 'cannot write',
  mkdir: 'cannot create a folder',
  rename: 'cannot write',
  unlink: 'cannot remove',
  access: 'no such folder or file',
  scandir: 'cannot read the folder',
};

/**
 * A failed file operation the environment caused (a full disk, a missing folder, no
 * permission) as one line: `tool: FILE: cannot write (ENOSPC)`, exit 2, never a stack.
 */
function systemError(error: unknown): ExitError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string')
    return undefined;
  const verb = VERBS[e.syscall] ?? `cannot ${e.syscall}`;
  const hint =
    e.code === 'ENOSPC'
      ? 'free some disk space, or write elsewhere'
      : e.code === 'ENOENT'
        ? 'check that the folder exists'
        : undefined;
  return e.path === undefined
    ? new ExitError(ExitCode.unusable, `${verb} the output (${e.code})`, { hint })
    : new ExitError(ExitCode.unusable, `${verb} (${e.code})`, {
        place: { file: e.path },
        hint,
      });
}

/** The part of a yargs parser that `parseArguments` needs. */
export interface ArgumentParser {
  parse(
    argv: string[],
    context: object,
    callback: (error: Error | undefined, parsed: Record<string, unknown>, output: string) => void,
  ): unknown;
}

/**
 * Parses the command line with output captured instead of printed: `--help` goes to
 * `io.stdout` and gives undefined (the tool then exits 0); a parse error is thrown, for
 * `runMain` to report with exit 2.
 */
export async function parseArguments(
  parser: ArgumentParser,
  argv: string[],
  io: CliIo,
): Promise<Record<string, unknown> | undefined> {
  const { parsed, output } = await new Promise<{ parsed: Record<string, unknown>; output: string }>(
    (done, fail) => {
      parser.parse(argv, {}, (error, parsed, output) =>
        error ? fail(error) : done({ parsed, output }),
      );
    },
  );
  if (output) {
    io.stdout.write(`${output}\n`);
    return undefined;
  }
  return parsed;
}

/** The part of a yargs parser that `withHouseRules` configures. */
export interface HouseRulesParser<T> {
  scriptName(name: string): T;
  wrap(columns: number): T;
  help(): T;
  version(version: false): T;
  fail(handler: (message: string, error: Error) => never): T;
}

/**
 * The settings every testgate CLI shares: the tool's name in its help, help at 100
 * columns, no --version, and usage errors thrown as UsageError (exit 2) instead of yargs'
 * own exit 1.
 */
export function withHouseRules<T extends HouseRulesParser<T>>(parser: T, tool: string): T {
  return parser
    .scriptName(tool)
    .wrap(100)
    .help()
    .version(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message, `see ${tool} --help`);
    });
}

/**
 * The stream a stage reads: the named file, or stdin for `-` or no name; a missing file
 * is an InputError and an interactive stdin with no name a UsageError (both exit 2).
 */
export async function openStreamInput(
  path: string | undefined,
  io: CliIo,
  tool: string,
): Promise<{ input: AsyncIterable<Buffer | string>; file: string }> {
  if (path === undefined || path === '-') {
    if (path === undefined && io.stdin.isTTY) {
      throw new UsageError(
        'no input: pipe a testgate stream in, or name a stream file',
        `see ${tool} --help`,
      );
    }
    return { input: io.stdin, file: '-' };
  }
  const full = resolve(io.cwd, path);
  const info = await stat(full).catch(() => undefined);
  // A pipe is a stream (`<(junit-merge …)`); anything else that is no regular file says what it is.
  const what = !info
    ? 'no such file'
    : info.isDirectory()
      ? 'a folder, not a stream file'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device, not a stream file'
        : info.isSocket()
          ? 'a socket, not a stream file'
          : undefined;
  if (what !== undefined)
    throw new InputError(
      what,
      { file: path },
      'name the file junit-merge wrote, or pipe the stream in',
    );
  return { input: createReadStream(full), file: path };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` when the process is stopped by SIGINT, SIGTERM or SIGHUP (Ctrl-C, a
 * cancelled CI job) before the returned release is called, then stops as the signal
 * would have: a `finally` never runs on a signal, so temporary files need this.
 */
export function cleanupOnSignal(cleanup: () => void): () => void {
  const release = (): void => {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  };
  function stop(signal: NodeJS.Signals): void {
    release();
    cleanup();
    process.kill(process.pid, signal);
  }
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  return release;
}
