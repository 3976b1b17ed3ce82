import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

/**
 * Runs node with args; wall time, and peak RSS from the kernel's high-water mark.
 * `stdin` and `stdout` name files to read from and write to (ignored when left out).
 */
export function measure(argv, { stdin, stdout } = {}) {
  return new Promise((done, fail) => {
    const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
    const output = stdout === undefined ? 'ignore' : openSync(stdout, 'w');
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { stdio: [input, output, 'pipe'] });
    let peakKb = 0;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const sample = () => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // the child has exited
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(timer);
      for (const fd of [input, output]) if (typeof fd === 'number') closeSync(fd);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) fail(new Error(`exit ${code}: ${stderr.slice(-500)}`));
      else done({ seconds, peakMb: peakKb / 1024, stderr });
    });
  });
}

/** The value after `name` on this process's command line, or `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
}

/** The middle value (the lower of the two middle ones for an even count); NaN for none. */
export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
