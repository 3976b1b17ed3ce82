import { hash } from 'node:crypto';

/**
 * Failure signatures, algorithm `sig1`: what a failure is, with what changes from run to
 * run masked, so that the same failure gets the same signature in every run and on every
 * machine, and another assertion another one. A new algorithm gets a new name: a ledger
 * entry pinned to a `sig1` signature never silently matches something else.
 */
export const SIGNATURE_ALGORITHM = 'sig1';

// What varies between runs of the same failure, in the order it is masked. Paths first
// (a temporary folder whole, then any other path down to its file name: folders differ
// between machines), then what holds digits. Each group is tried only on a text that has
// what it needs, which most texts do not.
const PATH_MASKS: Array<[RegExp, string]> = [
  [
    /(?:\/tmp|\/private\/var\/folders|\/var\/folders|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp)(?:[\\/][^\s'"`)\]]*)?/g,
    '<tmp>',
  ],
  [/(?:\b[A-Za-z]:)?(?:[\w.@~-]*[\\/])+([\w.@-]+)/g, '$1'],
];
const DIGIT_MASKS: Array<[RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    '<time>',
  ],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>'],
  [/\[[0-9a-f:]*:[0-9a-f:]+\](?::\d+)?/gi, '<address>'],
  [/(\/\/[^\s/:@]+|\blocalhost):\d+\b/g, '$1:<port>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [
    /\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hours?)\b/g,
    '<duration>',
  ],
  [/\d+(?:\.\d+)?/g, '<n>'],
];
const HAS_PATH = /[\\/]/;
const HAS_DIGIT = /\d/;

// A stack frame: a JavaScript, Java or C# `at …`, Python's `File "…", line N`, or a line
// that opens with a source file's `path:N` (pytest's `tests/x.py:9: AssertionError`, Go's
// `x_test.go:12: …`, vitest's `❯ x.test.ts:5:3`). A location inside a line (Playwright's
// `[chromium] › x.spec.ts:11:3 › title` header) is where the test is, not a frame.
const FRAME =
  /^\s*at\s|^\s*File "|^\s*(?:[❯›>]\s*)?[\w.\\/@-]+\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|rb|php|rs|cs|c|cc|cpp|swift|ex|exs):\d+/;
// Frames of the runner, the language or a dependency: not the test's own code.
const LIBRARY =
  /node_modules|\bnode:[\w/]|\binternal\/|site-packages|dist-packages|\/usr\/lib\/|\/lib\/python\d|\bat (?:java|javax|jdk|sun|kotlin|scala|org\.junit|org\.testng|org\.apache|org\.gradle|junit|System|Microsoft|NUnit|Xunit)\.|\/go\/src\/|\/libexec\/src\/|\bruntime\/|\btesting\/testing\.go/;
// Where a frame is in a file: a JavaScript or Java frame without one (`at new Promise
// (<anonymous>)`) is the runtime's.
const LOCATION = /:\d+|^\s*File "/;
const WHITESPACE = /\s+/g;
// A message is cut here before it is hashed: what makes a failure itself comes first.
const MESSAGE_CHARS = 2000;

// Types and messages repeat across a run's failures (one assertion failing in many
// tests): each distinct text is masked once. Up to this many are remembered.
const MASKED_CACHE = 4096;
const maskedTexts = new Map<string, string>();

function masked(text: string): string {
  let out = maskedTexts.get(text);
  if (out === undefined) {
    if (maskedTexts.size >= MASKED_CACHE) maskedTexts.clear();
    maskedTexts.set(text, (out = maskedOnce(text)));
  }
  return out;
}

function maskedOnce(text: string): string {
  let out = text;
  if (HAS_PATH.test(out))
    for (const [pattern, replacement] of PATH_MASKS) out = out.replace(pattern, replacement);
  if (HAS_DIGIT.test(out))
    for (const [pattern, replacement] of DIGIT_MASKS) out = out.replace(pattern, replacement);
  return out.replace(WHITESPACE, ' ').trim();
}

/** The first frame of a stack that points into the test's own code, normalised. */
function ownFrame(details: string | undefined): string | undefined {
  for (const line of details?.split('\n') ?? [])
    if (FRAME.test(line) && LOCATION.test(line) && !LIBRARY.test(line)) return masked(line);
  return undefined;
}

/** What a failure is, normalised: its type, its message, the test's own frame. */
export function signatureText(failure: {
  errorType?: string | undefined;
  message?: string | undefined;
  details?: string | undefined;
}): string {
  // Runners that write no message put it in the body: its first line stands for it.
  const message = failure.message ?? failure.details?.split('\n').find((l) => l.trim() !== '');
  return [
    failure.errorType === undefined ? '' : masked(failure.errorType),
    message === undefined ? '' : masked(message.slice(0, MESSAGE_CHARS)),
    ownFrame(failure.details) ?? '',
  ].join('\n');
}

/** `sig1:` and twelve hex digits of the SHA-256 of the normalised text. */
export function signatureOf(text: string): string {
  return `${SIGNATURE_ALGORITHM}:${hash('sha256', text).slice(0, 12)}`;
}
