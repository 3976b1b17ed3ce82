import { bazel } from './bazel.js';
import { ctest } from './ctest.js';
import { ctrf } from './ctrf.js';
import { cucumber } from './cucumber.js';
import type { DetectContext, Detection, Dialect } from './dialect.js';
import { generic } from './generic.js';
import { goJunitReport } from './go-junit-report.js';
import { googletest } from './googletest.js';
import { gotestsum } from './gotestsum.js';
import { gradle } from './gradle.js';
import { jest } from './jest.js';
import { mocha } from './mocha.js';
import { nextest } from './nextest.js';
import { nodeTest } from './node-test.js';
import { phpunit } from './phpunit.js';
import { playwright } from './playwright.js';
import { pytest } from './pytest.js';
import { surefire } from './surefire.js';
import { testng } from './testng.js';
import { vitest } from './vitest.js';

export type { DetectContext, Detection, Dialect, RepeatReading } from './dialect.js';
export { generic } from './generic.js';

/**
 * Every producer junit-merge knows by name, one file each: how it is detected, how a
 * test's identity is built, which attributes carry outcomes and how it writes retries.
 * A report no dialect recognises is read by `generic`. Adding a producer is one file and
 * one line here.
 */
export const DIALECTS: readonly Dialect[] = [
  pytest,
  jest,
  vitest,
  mocha,
  nodeTest,
  playwright,
  surefire,
  gradle,
  testng,
  cucumber,
  gotestsum,
  goJunitReport,
  nextest,
  googletest,
  ctest,
  bazel,
  phpunit,
  ctrf,
];

const BY_NAME = new Map<string, Dialect>(DIALECTS.map((d) => [d.name, d]));

/** The dialect of a producer name (as a leg records it), `generic` for none. */
export function dialectNamed(name: string | undefined): Dialect {
  return (name === undefined ? undefined : BY_NAME.get(name)) ?? generic;
}

type Hook = keyof Detection;

// Each hook's dialects, so that an element is only shown to those that look at it.
const watching = (hook: Hook): Dialect[] => DIALECTS.filter((d) => d.detect[hook] !== undefined);
const ROOT = watching('root');
const SUITE = watching('suite');
const TESTCASE = watching('testcase');
const PROPERTY = watching('property');
const COMMENT = watching('comment');

/** The first dialect whose evidence an element is, if any. */
export function detectRoot(
  name: string,
  attrs: Readonly<Record<string, string>>,
  context: DetectContext,
): Dialect | undefined {
  return ROOT.find((d) => d.detect.root!(name, attrs, context));
}

export function detectSuite(
  attrs: Readonly<Record<string, string>>,
  context: DetectContext,
): Dialect | undefined {
  return SUITE.find((d) => d.detect.suite!(attrs, context));
}

export function detectTestcase(
  attrs: Readonly<Record<string, string>>,
  context: DetectContext,
): Dialect | undefined {
  for (const dialect of TESTCASE) if (dialect.detect.testcase!(attrs, context)) return dialect;
  return undefined;
}

export function detectProperty(
  name: string,
  value: string | undefined,
  context: DetectContext,
): Dialect | undefined {
  return PROPERTY.find((d) => d.detect.property!(name, value, context));
}

export function detectComment(text: string): Dialect | undefined {
  return COMMENT.find((d) => d.detect.comment!(text));
}
