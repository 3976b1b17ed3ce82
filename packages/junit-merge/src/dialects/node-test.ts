import { type Dialect, distinctRuns } from './dialect.js';

// node:test writes its totals as comments: <!-- tests 4 -->
const TOTALS_COMMENT = /^\s*(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+\s*$/;

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

function unescapeXml(text: string): string {
  return text.includes('&') ? text.replace(/&(amp|lt|gt|quot|apos);/g, (m) => ENTITIES[m]!) : text;
}

/**
 * node's junit test reporter: classname is always "test", nested describes are the suites,
 * a top-level test sits under `<testsuites>`. Node 20 escapes names twice (`&amp;quot;`),
 * later versions once: the extra layer is undone so that every Node line gives one id.
 */
export const nodeTest: Dialect = {
  name: 'node-test',
  detect: { comment: (text) => TOTALS_COMMENT.test(text) },
  key: (testcase) => [
    testcase.suites
      .filter((s) => s !== '')
      .map(unescapeXml)
      .join(' > '),
    unescapeXml(testcase.name),
  ],
  readRepeats: distinctRuns,
};
