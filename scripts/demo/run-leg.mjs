// Running one leg's commands: each in its own process group, output to the leg's log,
// killed with its group when the demo is stopped.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { killGroup, onCleanup } from './cleanup.mjs';

/** Runs a command to its end; resolves to its exit code, its output appended to `log`. */
export function runLogged(command, args, { cwd, env, log }) {
  return new Promise((resolveExit, reject) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`$ ${[command, ...args].join(' ')}\n`);
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stop = onCleanup(() => killGroup(child));
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      void stop();
      out.end(`\n[exit ${code ?? signal}]\n`);
      resolveExit(code ?? 128);
    });
  });
}

/**
 * Starts a long-running process (an app service) in the background; resolves once it is
 * spawned. The returned stop() kills it; cleanup does too.
 */
export function startBackground(command, args, { cwd, env, log }) {
  const out = createWriteStream(log, { flags: 'a' });
  const child = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const stop = onCleanup(
    () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', done);
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child), 3000).unref();
      }),
  );
  return { child, stop };
}

/** Polls `check` until it resolves true, for at most `ms`; false when it never did. */
export async function waitFor(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
