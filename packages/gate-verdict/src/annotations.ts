import type { TestRef, VerdictDocument } from '@testgate/stream';

/** GitHub shows at most 10 annotations of a kind per step; more are dropped. */
export const ANNOTATIONS_PER_KIND = 10;

// Controls but CR and LF (which the runner's own encoding carries): ESC, BEL, OSC
// sequences from test data never reach the log.
const CONTROL = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function escapeData(text: string): string {
  return text
    .replace(CONTROL, '')
    .replaceAll('%', '%25')
    .replaceAll('\r', '%0D')
    .replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function command(kind: 'error' | 'warning', test: TestRef, title: string): string {
  const props = [
    ...(test.file === undefined ? [] : [`file=${escapeProperty(test.file)}`]),
    ...(test.file === undefined || test.line === undefined ? [] : [`line=${test.line}`]),
    `title=${escapeProperty(title)}`,
  ];
  const detail = test.message ?? test.details;
  const message = `${test.id} (${test.leg})${detail === undefined ? '' : `\n${detail}`}`;
  return `::${kind} ${props.join(',')}::${escapeData(message.slice(0, 4000))}\n`;
}

/** Failures that point at a line of code first: they land on the diff. */
function mostUseful(tests: readonly TestRef[]): TestRef[] {
  const rank = (t: TestRef): number =>
    t.file !== undefined && t.line !== undefined ? 0 : t.file !== undefined ? 1 : 2;
  return [...tests].sort((a, b) => rank(a) - rank(b)).slice(0, ANNOTATIONS_PER_KIND);
}

/** GitHub workflow commands: blocking failures as errors, flaky tests as warnings. */
export function githubAnnotations(verdict: VerdictDocument): string {
  const flaky = verdict.excused.filter((t) => t.why === 'flaky');
  return [
    ...mostUseful(verdict.blocking).map((t) =>
      command('error', t, `${t.outcome === 'flaky' ? 'flaky' : 'failed'}: ${t.id}`),
    ),
    ...mostUseful(flaky).map((t) => command('warning', t, `flaky: ${t.id}`)),
  ].join('');
}
