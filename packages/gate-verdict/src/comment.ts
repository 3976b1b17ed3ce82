import type { VerdictDocument } from '@testgate/stream';
import { renderSummary } from './markdown.js';

/** The hidden first line a bot finds its sticky comment by, to edit it instead of adding one. */
export const COMMENT_MARKER = '<!-- testgate:gate-verdict -->';
/** GitHub's limit for one comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/**
 * The body of a sticky pull request comment: the marker line, then the summary (what this
 * change caused first), cut to stay under GitHub's limit. The summary measures bytes,
 * never fewer than characters, so the body is under the limit in either count.
 */
export function renderComment(
  verdict: VerdictDocument,
  options: { fullReport?: string } = {},
): string {
  const head = `${COMMENT_MARKER}\n`;
  return `${head}${renderSummary(verdict, { ...options, limit: COMMENT_LIMIT - 1 - head.length })}`;
}
