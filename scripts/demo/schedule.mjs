// Runs the legs at most `concurrency` at a time (1: one after another), the heaviest
// first, showing progress:
// on a terminal one line per leg redrawn in place, elsewhere a line per finished leg.
import pc from 'picocolors';

const SYMBOL = { queued: '·', running: '…', passed: '✓', failed: '✗' };

/** A leg the gate does not expect (the quarantine lane) says so: its failure blocks nothing. */
export function lane(leg) {
  return leg.blocking === false ? ' (not blocking)' : '';
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1).padStart(5)} s`;
}

/** A finished leg in one line: passed or failed, its name, its time, its lane. */
export function legLine({ name, status, ms, blocking, error }) {
  return `  ${SYMBOL[status]} ${name.padEnd(22)} ${seconds(ms)}${lane({ blocking })}${error ? `: ${error}` : ''}`;
}

export async function runLegs(legs, { concurrency, stream = process.stderr }) {
  const state = legs.map((leg) => ({ leg, status: 'queued', started: 0, ms: 0 }));
  const tty = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const color = (status, text) =>
    !tty ? text : status === 'passed' ? pc.green(text) : status === 'failed' ? pc.red(text) : text;
  let drawn = 0;
  const draw = () => {
    if (!tty) return;
    if (drawn) stream.write(`\x1b[${drawn}A`);
    for (const s of state) {
      const time = s.status === 'running' ? Date.now() - s.started : s.ms;
      const when = s.status === 'queued' ? '' : seconds(time);
      stream.write(
        `\x1b[2K  ${color(s.status, `${SYMBOL[s.status]} ${s.leg.name.padEnd(22)}`)} ${when}${lane(s.leg)}\n`,
      );
    }
    drawn = state.length;
  };
  const timer = tty ? setInterval(draw, 200) : undefined;
  draw();
  // Longest first: the short legs fill in around the long ones, so the wall time comes
  // closer to the longest leg's.
  const queue = [...state].sort((a, b) => (b.leg.weight ?? 0) - (a.leg.weight ?? 0));
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const s = queue[next++];
      s.status = 'running';
      s.started = Date.now();
      draw();
      let code;
      try {
        code = await s.leg.run();
      } catch (error) {
        code = 2;
        s.error = error.message;
      }
      s.ms = Date.now() - s.started;
      s.status = code === 0 ? 'passed' : 'failed';
      s.code = code;
      draw();
      if (!tty)
        stream.write(`${legLine({ ...s.leg, status: s.status, ms: s.ms, error: s.error })}\n`);
    }
  };
  const started = Date.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, legs.length) }, worker));
  } finally {
    if (timer) clearInterval(timer);
    draw();
  }
  return {
    wallMs: Date.now() - started,
    legs: state.map(({ leg, status, ms, code, error }) => ({
      name: leg.name,
      blocking: leg.blocking,
      status,
      ms,
      code,
      error,
    })),
  };
}
