export { decideVerdict } from './decide.js';
export type { VerdictOptions } from './decide.js';
export { parseBudgets } from './budgets.js';
export type { Budget } from './budgets.js';

export { renderSummary, escapeMarkdown, SUMMARY_LIMIT } from './markdown.js';
export { renderComment, COMMENT_MARKER, COMMENT_LIMIT } from './comment.js';
export { githubAnnotations, ANNOTATIONS_PER_KIND } from './annotations.js';
export { renderTerminal } from './terminal.js';
export { renderHtml, collectRows, escapeHtml } from './html.js';
export { CtrfReport, CTRF_SPEC_VERSION } from './ctrf.js';
export type { TestRow } from './html.js';
