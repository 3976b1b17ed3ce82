import type { NewSubmission } from './validate.js';

export type Grade =
  | { status: 'done'; result: { lines: number; blank: number; comments: number } }
  | { status: 'failed'; reason: string };

const COMMENT: Record<string, RegExp> = {
  python: /^\s*#/,
  javascript: /^\s*\/\//,
  typescript: /^\s*\/\//,
  go: /^\s*\/\//,
};

/** What the worker does with a submission: counts its lines, or says why it cannot. */
export function grade(submission: NewSubmission): Grade {
  if (submission.source.trim() === '') return { status: 'failed', reason: 'the source is empty' };
  const lines = submission.source.split('\n');
  const comment = COMMENT[submission.language];
  if (!comment) return { status: 'failed', reason: `unsupported language ${submission.language}` };
  return {
    status: 'done',
    result: {
      lines: lines.length,
      blank: lines.filter((l) => l.trim() === '').length,
      comments: lines.filter((l) => comment.test(l)).length,
    },
  };
}
