// Test helpers every package's suite shares: an in-memory process for running a CLI in-process.
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../packages/stream/src/index.js';

/** An in-memory process for in-process CLI tests: pinned environment and clock. */
export function memoryIo(
  options: {
    stdin?: string | Buffer;
    env?: Record<string, string>;
    cwd?: string;
    tty?: boolean;
  } = {},
) {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  stderr.isTTY = options.tty ?? false;
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const stdin = (
    options.stdin === undefined ? Readable.from([]) : Readable.from([Buffer.from(options.stdin)])
  ) as Readable & { isTTY?: boolean };
  stdin.isTTY = options.stdin === undefined;
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  };
  return { io, stdout: () => out, stderr: () => err };
}

export function lines(...records: unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
