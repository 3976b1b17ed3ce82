// A second, independent reading of JUnit XML, to check junit-merge against: junit2json
// parses, and the rules below are stated plainly, apart from junit-merge's dialects.
//
// 1. Every <testcase>, at any depth, is one run. Its outcome: error if it holds <error>,
//    else failed if <failure>, else skipped if <skipped>; with none of them, what its
//    `status`/`result` words say (fail…, error…; notrun, disabled, suppressed, skipped,
//    ignored; `executed="False"`), else passed. CTest's `status="notrun"` is an error
//    unless its <skipped> says SKIP_… (ctest itself fails such a run).
// 2. <flakyFailure>/<flakyError> in a testcase are failed runs before its own result,
//    <rerunFailure>/<rerunError> failed runs after it.
// 3. A <failure> or <error> directly in a <testsuite> is a failed run named "(suite)".
// 4. A test is its classname and name (XML whitespace in attributes read as spaces); its
//    runs in document order: the last one is its final result.
import { parse } from 'junit2json';

const NOT_RUN =
  /^(notrun|not_run|not run|disabled|suppressed|skipped|skip|ignored|notexecuted|inconclusive)$/i;

// junit2json turns numeric-looking attributes into numbers, and an empty one into NaN.
const text = (value) =>
  typeof value === 'number' && Number.isNaN(value) ? '' : String(value ?? '');
const space = (value) => text(value).replace(/\r\n|[\r\n\t]/g, ' ');

function ownOutcome(testcase) {
  if (testcase.error) return 'error';
  if (testcase.failure) return 'failed';
  const status = String(testcase.status ?? '').trim();
  if (status === 'notrun' && testcase.skipped) {
    const message = String(testcase.skipped[0]?.message ?? '');
    if (!message.startsWith('SKIP_')) return 'error';
  }
  if (testcase.skipped) return 'skipped';
  const words = [testcase.status, testcase.result].map((w) => String(w ?? '').trim());
  if (words.some((w) => /^error/i.test(w))) return 'error';
  if (words.some((w) => /^fail/i.test(w))) return 'failed';
  if (words.some((w) => NOT_RUN.test(w))) return 'skipped';
  if (String(testcase.executed ?? '').toLowerCase() === 'false') return 'skipped';
  return 'passed';
}

function runsOf(testcase) {
  const before = [...(testcase.flakyFailure ?? []), ...(testcase.flakyError ?? [])].map(
    () => 'failed',
  );
  const after = [...(testcase.rerunFailure ?? []), ...(testcase.rerunError ?? [])].map(
    () => 'failed',
  );
  return [...before, ownOutcome(testcase), ...after];
}

/**
 * The tests of one report: `classname\0name` to { runs, final, anyFailed }.
 * Rejects when junit2json cannot parse the file.
 */
export async function secondOpinion(xml) {
  const root = await parse(xml);
  const tests = new Map();
  const add = (classname, name, runs) => {
    const key = `${space(classname)}\u0000${space(name)}`;
    const test = tests.get(key) ?? { runs: [] };
    test.runs.push(...runs);
    tests.set(key, test);
  };
  const walk = (node) => {
    for (const testcase of node.testcase ?? [])
      add(testcase.classname ?? testcase.class ?? '', testcase.name ?? '', runsOf(testcase));
    if (node.failure || node.error)
      add(node.name ?? '', '(suite)', [node.error ? 'error' : 'failed']);
    for (const suite of node.testsuite ?? []) walk(suite);
  };
  walk(root ?? {});
  for (const test of tests.values()) {
    const ran = test.runs.filter((r) => r !== 'skipped');
    test.final = ran[ran.length - 1] ?? 'skipped';
    test.anyFailed = ran.some((r) => r === 'failed' || r === 'error');
  }
  return tests;
}

/** How red an outcome is: a failure 2, a failure that passed later 1, else 0. */
export function redness(outcome, anyFailed = false) {
  if (outcome === 'failed' || outcome === 'error') return 2;
  return outcome === 'flaky' || anyFailed ? 1 : 0;
}

/**
 * Where junit-merge's test records (of one report) and the second opinion disagree:
 * a test one of them has and the other not; junit-merge less red than the second
 * opinion (a failure it would hide); or, for a test both read as one plain run, another
 * outcome. Each as a line of text.
 */
export function disagreements(records, opinion) {
  const ours = new Map();
  for (const record of records) {
    const key = `${space(record.classname)}\u0000${space(record.name)}`;
    const list = ours.get(key) ?? [];
    list.push(record);
    ours.set(key, list);
  }
  const found = [];
  const show = (key) => JSON.stringify(key.replace('\u0000', ' :: '));
  for (const [key, test] of opinion) {
    const mine = ours.get(key);
    if (!mine) {
      found.push(`missing: ${show(key)} (${test.runs.join(', ')}) has no record`);
      continue;
    }
    const red = Math.max(...mine.map((r) => redness(r.outcome)));
    const theirs = redness(test.final, test.anyFailed);
    const outcomes = mine.map((r) => r.outcome).join(', ');
    if (red < theirs)
      found.push(`hidden: ${show(key)} is ${outcomes}, runs ${test.runs.join(', ')}`);
    else if (mine.length === 1 && test.runs.length === 1 && mine[0].attempts.length === 1) {
      if (mine[0].outcome !== test.runs[0])
        found.push(`outcome: ${show(key)} is ${mine[0].outcome}, second opinion ${test.runs[0]}`);
    }
  }
  for (const key of ours.keys())
    if (!opinion.has(key)) found.push(`extra: ${show(key)} is not in the second opinion`);
  return found;
}
