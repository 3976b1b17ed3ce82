// Writes a synthetic JUnit corpus laid out like downloaded CI artifacts:
// <dir>/leg-NN/report-NNNN.xml, about 145 bytes a case (2% failures with a message and a
// stack trace, 1% skipped, some captured output). Most files are Surefire/pytest-like;
// one in five is jest-junit-like and one in five mocha-junit-reporter-like, and their test
// titles repeat in the other such files of the same leg, as in a real monorepo (every
// component "renders"): each is still a test of its own. Every testcase is a distinct
// test, so the merged stream holds one test record per testcase.
// Deterministic: the same arguments give the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const AREAS = [
  'billing',
  'accounts',
  'search',
  'catalog',
  'checkout',
  'shipping',
  'identity',
  'reports',
];
const NOUNS = [
  'InvoiceService',
  'LedgerRepository',
  'QueryPlanner',
  'PriceCalculator',
  'SessionStore',
  'RateLimiter',
];
const VERBS = [
  'computes_totals',
  'rejects_invalid_input',
  'retries_on_timeout',
  'keeps_order',
  'handles_unicode',
];

const COMPONENTS = Array.from({ length: 50 }, (_, n) => `${NOUNS[n % NOUNS.length]}View${n}`);
const TITLES = Array.from({ length: 20 }, (_, n) => `${VERBS[n % VERBS.length]} case ${n}`);

const FAILURE = (what) =>
  `<failure message="expected &lt;42&gt; but was &lt;41&gt;" type="AssertionError"><![CDATA[AssertionError: expected <42> but was <41>\n    at ${what}\n]]></failure>`;

/** A jest-junit or mocha-junit-reporter report whose titles repeat across such files. */
function javascriptReport(f, casesPerFile, style) {
  const root = style === 'jest' ? 'jest tests' : 'Mocha Tests';
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${root}" tests="${casesPerFile}">\n`,
  ];
  if (style === 'mocha')
    parts.push(
      `  <testsuite name="Root Suite" file="/home/runner/work/app/app/test/spec-${f}.js" tests="0" timestamp="2026-01-01T00:00:00"></testsuite>\n`,
    );
  for (let i = 0; i < casesPerFile; i++) {
    const component = COMPONENTS[Math.floor(i / TITLES.length) % COMPONENTS.length];
    const title = TITLES[i % TITLES.length];
    if (i % TITLES.length === 0)
      parts.push(
        `${i === 0 ? '' : '  </testsuite>\n'}  <testsuite name="${component}" tests="${TITLES.length}" timestamp="2026-01-01T00:${String(f % 60).padStart(2, '0')}:00">\n`,
      );
    const [classname, name] =
      style === 'jest'
        ? [`${component} ${title}`, `${component} ${title}`]
        : [title, `${component} ${title}`];
    const time = ((i * 7919) % 50) / 1000;
    if (i % 50 === 7)
      parts.push(
        `    <testcase classname="${classname}" name="${name}" time="${time}">${FAILURE(`${component}.test.js:${i + 10}`)}</testcase>\n`,
      );
    else if (i % 100 === 3)
      parts.push(
        `    <testcase classname="${classname}" name="${name}" time="0"><skipped/></testcase>\n`,
      );
    else parts.push(`    <testcase classname="${classname}" name="${name}" time="${time}"/>\n`);
  }
  parts.push('  </testsuite>\n</testsuites>\n');
  return parts.join('');
}

export function generateCorpus(dir, { files, casesPerFile, legs = 10 }) {
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const leg = `leg-${String(f % legs).padStart(2, '0')}`;
    mkdirSync(join(dir, leg), { recursive: true });
    const style = f % 5 === 3 ? 'jest' : f % 5 === 4 ? 'mocha' : undefined;
    if (style) {
      const text = javascriptReport(f, casesPerFile, style);
      bytes += Buffer.byteLength(text);
      writeFileSync(join(dir, leg, `report-${String(f).padStart(4, '0')}.xml`), text);
      continue;
    }
    const area = AREAS[f % AREAS.length];
    const parts = [
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="generated" tests="${casesPerFile}">\n`,
      `  <testsuite name="com.example.${area}.module${f}" tests="${casesPerFile}" timestamp="2026-01-01T00:${String(f % 60).padStart(2, '0')}:00" time="${(casesPerFile * 0.012).toFixed(3)}">\n`,
    ];
    for (let i = 0; i < casesPerFile; i++) {
      const classname = `com.example.${area}.module${f}.${NOUNS[i % NOUNS.length]}Test`;
      const name = `test_${String(i).padStart(4, '0')}_${VERBS[i % VERBS.length]}`;
      const time = ((i * 7919) % 50) / 1000;
      if (i % 50 === 7) {
        parts.push(
          `    <testcase classname="${classname}" name="${name}" time="${time}">\n` +
            `      <failure message="expected &lt;42&gt; but was &lt;41&gt;" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected <42> but was <41>\n` +
            `\tat com.example.${area}.${NOUNS[i % NOUNS.length]}Test.${name}(${NOUNS[i % NOUNS.length]}Test.java:${i + 10})\n` +
            `\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n]]></failure>\n` +
            `      <system-out><![CDATA[connecting to db ${i}\nquery took ${i % 13} ms\n]]></system-out>\n    </testcase>\n`,
        );
      } else if (i % 100 === 3) {
        parts.push(
          `    <testcase classname="${classname}" name="${name}" time="0"><skipped message="disabled on CI"/></testcase>\n`,
        );
      } else {
        parts.push(`    <testcase classname="${classname}" name="${name}" time="${time}"/>\n`);
      }
    }
    parts.push('  </testsuite>\n</testsuites>\n');
    const text = parts.join('');
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, leg, `report-${String(f).padStart(4, '0')}.xml`), text);
  }
  return bytes;
}
