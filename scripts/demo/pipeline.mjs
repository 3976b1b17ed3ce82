// A shell pipeline run from Node: no command line is ever built as a string, so a path
// with `$`, a backtick or a quote in it is only a path.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * Runs `commands` (each an argv) with each one's stdout into the next one's stdin, every
 * stderr and the last stdout shown; `tee` also copies the first one's output into a file.
 * Resolves to the status `set -o pipefail` gives: the last non-zero one, else 0.
 */
export async function pipeline(commands, { cwd, tee }) {
  const last = commands.length - 1;
  const children = commands.map(([file, ...args], i) =>
    spawn(file, args, {
      cwd,
      stdio: [i === 0 ? 'ignore' : 'pipe', i === last ? 'inherit' : 'pipe', 'inherit'],
    }),
  );
  for (let i = 0; i < last; i++) {
    // A stage that stops early (a refusal) closes its input: the one before it sees EPIPE.
    children[i + 1].stdin.on('error', () => {});
    children[i].stdout.pipe(children[i + 1].stdin);
  }
  const copy = tee === undefined ? undefined : children[0].stdout.pipe(createWriteStream(tee));
  const statuses = await Promise.all(
    children.map(
      (child) =>
        new Promise((done) =>
          child.on('close', (code, signal) => done(code ?? (signal ? 128 : 2))),
        ),
    ),
  );
  if (copy) await finished(copy);
  return statuses.reduce((status, code) => (code !== 0 ? code : status), 0);
}
