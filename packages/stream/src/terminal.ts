import picocolors from 'picocolors';

export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Colours for human text on stderr: only when stderr itself is a TTY and NO_COLOR is unset
 * (picocolors' own detection looks at stdout, which is the data pipe here).
 */
export function stderrColors(stderr: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  const enabled = Boolean(stderr.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb';
  return picocolors.createColors(enabled);
}

// C0 and C1 controls except tab and newline: enough to stop escape sequences in test names.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Strips control characters from untrusted text before it reaches a terminal. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(CONTROL, '');
}

// Every C0 and C1 control but tab, line breaks included.
const LINE_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Untrusted text (a test name, a path, a message) inside one line of a terminal or CI
 * log: CR, LF, ESC and every other control become visible escapes (`\n`, `\u001b`), so
 * that test data can neither start a line of its own (which the Actions runner would read
 * as a workflow command) nor send an escape sequence.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_CONTROL, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
