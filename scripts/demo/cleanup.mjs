// Everything the demo starts (servers, app processes, temp folders) registers how to undo
// it here; `cleanupAll` runs on success, on failure and on Ctrl-C alike.
const steps = [];

/** Registers `undo`; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(undo) {
  const step = { undo, done: false };
  steps.push(step);
  return async () => {
    if (step.done) return;
    step.done = true;
    await undo();
  };
}

export async function cleanupAll() {
  for (const step of steps.reverse()) {
    if (step.done) continue;
    step.done = true;
    try {
      await step.undo();
    } catch (error) {
      process.stderr.write(`demo: cleanup: ${error.message}\n`);
    }
  }
  steps.length = 0;
}

/** Ctrl-C or a kill: clean up, then exit as the signal would. */
export function cleanupOnSignals() {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])
    process.once(signal, () => {
      process.stderr.write(`\ndemo: ${signal}: stopping the legs and cleaning up\n`);
      void cleanupAll().finally(() => process.exit(code));
    });
}

/** Kills a child started with `detached: true` and everything it started. */
export function killGroup(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
