import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestRecord, type VerdictDocument, validateVerdict } from '@testgate/stream';

// Every shape of fixtures/junit (written by the runner) and fixtures/shapes (copied from
// runners that cannot run here) through a real pipe from the built junit-merge to the
// built gate-verdict: the verdict a CI gate would give, and the tests it would name.
const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'producer-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Gate {
  code: number | null;
  verdict: VerdictDocument;
  tests: TestRecord[];
  diagnostics: Array<{ severity: string; code: string }>;
}

function gate(input: string): Gate {
  const stream = join(dir, 'stream.jsonl');
  const verdict = join(dir, 'verdict.json');
  const script = `set -o pipefail; node packages/junit-merge/bin.js ${input} --leg shape -q | tee ${stream} | node packages/gate-verdict/bin.js --json ${verdict} -q`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NO_COLOR: '1' },
  });
  const document = JSON.parse(readFileSync(verdict, 'utf8')) as VerdictDocument;
  expect(validateVerdict(document)).toEqual({ ok: true });
  const records = readFileSync(stream, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
  return {
    code: result.status,
    verdict: document,
    tests: records.filter((r) => r.type === 'test') as unknown as TestRecord[],
    diagnostics: records.filter((r) => r.type === 'diagnostic') as unknown as Gate['diagnostics'],
  };
}

const outcomes = (g: Gate) => g.tests.map((t) => [t.id, t.outcome]);
const reasons = (g: Gate) => g.verdict.reasons.map((r) => r.code);

describe('junit-merge | gate-verdict on what real producers write', () => {
  it('tox/nox: one pytest report per env in one leg: two tests, and the env that failed blocks', () => {
    const g = gate('fixtures/junit/pytest/two-envs');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => b.id)).toEqual([
      'tests.test_env::test_env_specific @ py-b.xml',
    ]);
  });

  it('jest run twice in one job (unit and integration configs): the integration failure blocks', () => {
    const g = gate('fixtures/junit/jest/two-configs');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => b.id)).toEqual(['sum::sum adds @ integration.xml']);
  });

  it('Android: one report per device: the device that failed blocks', () => {
    const g = gate('fixtures/shapes/android-one-report-per-device');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => b.id)).toEqual([
      'com.example.LoginTest::logsIn @ TEST-Pixel_8-app.xml',
    ]);
  });

  it('Cypress (mocha-junit-reporter): the same titles in two specs are two tests, told apart by spec', () => {
    const g = gate('fixtures/shapes/cypress-same-titles-in-two-specs');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['page loads @ login.cy.js', 'passed'],
      ['page loads @ checkout.cy.js', 'failed'],
    ]);
  });

  it('Bazel: two googletest targets that both define TEST(Basic, Works): the failing target blocks', () => {
    const g = gate('fixtures/shapes/bazel-two-targets-same-gtest');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['Basic::Works @ a/test.xml', 'passed'],
      ['Basic::Works @ b/test.xml', 'failed'],
    ]);
  });

  it("Bazel --flaky_test_attempts: an attempt kept in test.attempts/ and the final test.xml are one test's attempts", () => {
    const g = gate('fixtures/shapes/bazel-flaky-test-attempts');
    expect(g.code).toBe(0);
    expect(g.tests.map((t) => [t.id, t.outcome, t.attempts.map((a) => a.outcome)])).toEqual([
      ['//pkg:t', 'flaky', ['error', 'passed']],
    ]);
  });

  it('unnamed testcases repeated in one report: two tests, and the failing one blocks', () => {
    const g = gate('fixtures/shapes/unnamed-testcases-repeated.xml');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['gen.Checks::(unnamed) @ #1', 'passed'],
      ['gen.Checks::(unnamed) @ #2', 'failed'],
    ]);
    expect(g.diagnostics.map((d) => d.code)).toContain('duplicate-testcase');
  });

  it('Surefire: a nested flakyFailure is a retry, but repeated testcases are not (they block)', () => {
    const g = gate('fixtures/shapes/surefire-flaky-nested-and-repeated-names.xml');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['com.example.CartTest::addsItem', 'flaky'],
      ['com.example.CartTest::row @ #1', 'failed'],
      ['com.example.CartTest::row @ #2', 'passed'],
    ]);
  });

  it('Surefire: a rerunFailure with no final result failed in every run', () => {
    const g = gate('fixtures/shapes/surefire-rerun-failure-without-final-result.xml');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => [b.id, b.summary])).toEqual([
      ['com.example.PayTest::charges', 'failed in 2 of 2 attempts'],
    ]);
  });

  it('TestNG data-provider rows repeat the method name: distinct runs, and the failing row blocks', () => {
    const g = gate('fixtures/shapes/testng-data-provider-rows');
    expect(g.code).toBe(1);
    expect(g.tests.map((t) => t.outcome)).toEqual(['passed', 'failed', 'passed']);
  });

  it("TestNG's retry analyzer (the retried attempt skipped, then a pass): flaky, not skipped", () => {
    const g = gate('fixtures/shapes/testng-retry-skipped-then-passed');
    expect(g.code).toBe(0);
    expect(outcomes(g)).toEqual([['com.example.RetryTest::connects', 'flaky']]);
  });

  it("Cucumber's outline rows share their names: a failing row blocks", () => {
    const g = gate('fixtures/shapes/cucumber-outline-rows.xml');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => b.id)).toEqual(['Checkout::Example #1.2']);
  });

  it('go-junit-report v1: a/util and b/util share the classname "util" but are two packages', () => {
    const g = gate('fixtures/shapes/go-junit-report-v1-two-util-packages.xml');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['example.com/app/a/util::TestParse', 'passed'],
      ['example.com/app/b/util::TestParse', 'failed'],
    ]);
  });

  it('gotestsum: --rerun-fails attempts fold (flaky), and a test failing in every rerun blocks', () => {
    const g = gate('fixtures/junit/gotestsum/rerun-fails.xml');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => [b.id, b.summary])).toEqual([
      ['example.com/fixtures/b/util::TestPasses', 'failed in 3 of 3 attempts'],
    ]);
    expect(g.verdict.excused.map((e) => e.id)).toEqual(['example.com/fixtures/a/util::TestFlaky']);
  });

  it("Gradle's test-retry plugin: each execution a testcase; a failure then a pass is flaky", () => {
    const g = gate('fixtures/shapes/gradle-test-retry-executions');
    expect(g.code).toBe(0);
    expect(outcomes(g)).toEqual([['com.example.RetriedTest::syncs', 'flaky']]);
  });

  it('pytest-rerunfailures 16 and box/flaky: empty earlier attempts are failures, not passes', () => {
    const always = gate('fixtures/shapes/pytest-rerunfailures-16-earlier-attempts-empty.xml');
    expect(always.code).toBe(1);
    expect(always.verdict.blocking.map((b) => b.summary)).toEqual(['failed in 3 of 3 attempts']);
    const flaky = gate('fixtures/junit/pytest/box-flaky-reruns.xml');
    expect(flaky.code).toBe(1);
    expect(outcomes(flaky)).toEqual([
      ['tests.test_box_flaky::test_passes_on_rerun', 'flaky'],
      ['tests.test_box_flaky::test_always_fails', 'failed'],
      ['tests.test_box_flaky::test_plain', 'passed'],
    ]);
  });

  it('googletest: disabled tests and GTEST_SKIP are skipped, not passed; a leg of disabled tests ran nothing', () => {
    const g = gate('fixtures/junit/googletest/outcomes.xml');
    expect(outcomes(g)).toEqual([
      ['Basic::Works', 'passed'],
      ['Basic::Fails', 'failed'],
      ['Basic::DISABLED_NotYet', 'skipped'],
      ['Basic::Skips', 'skipped'],
    ]);
    const disabled = gate('fixtures/junit/googletest/all-disabled.xml');
    expect(disabled.code).toBe(1);
    expect(reasons(disabled)).toEqual(['no-tests']);
    const oldSkip = gate('fixtures/shapes/googletest-1.10-skip-in-result-attribute.xml');
    expect(oldSkip.code).toBe(1);
    expect(reasons(oldSkip)).toEqual(['no-tests']);
  });

  it('CTest: disabled is skipped, a skip code is skipped, a test that could not start is an error', () => {
    const g = gate('fixtures/junit/ctest/outcomes.xml');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['works', 'passed'],
      ['fails', 'failed'],
      ['off', 'skipped'],
      ['missing', 'error'],
      ['skipped', 'skipped'],
    ]);
  });

  it('tst: outcomes in status attributes: failed blocks, disabled is skipped', () => {
    const g = gate('fixtures/shapes/tst-status-attributes.xml');
    expect(g.code).toBe(1);
    expect(outcomes(g)).toEqual([
      ['parser::reads numbers', 'passed'],
      ['parser::reads dates', 'failed'],
      ['parser::reads money', 'skipped'],
    ]);
  });

  it("Failsafe's and TestNG's summary files beside the reports are left out with a note, not an error", () => {
    const g = gate('fixtures/shapes/beside-reports-summary-files');
    expect(g.code).toBe(0);
    expect(g.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['info', 'not-a-report'],
      ['info', 'not-a-report'],
    ]);
  });

  it('an aggregate <testsuite tests="2"/> beside the real suites is no missing suite', () => {
    const g = gate('fixtures/shapes/aggregate-suite-claims-tests.xml');
    expect(g.code).toBe(0);
    expect(g.diagnostics).toEqual([]);
  });

  it('a CR LF inside a name reads as a space, as XML requires: the same id as on a Linux leg', () => {
    const g = gate('fixtures/shapes/windows-crlf-inside-a-name.xml');
    expect(g.tests.map((t) => t.id)).toEqual(['app.Spec::handles a multiline title']);
  });

  it("jest's CTRF reporter: the failures block, the test that passed on its retry is flaky, not passed", () => {
    const g = gate('fixtures/ctrf/jest/outcomes-and-retries.json');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => b.id).sort()).toEqual([
      'outcomes.test.cjs > outer > inner::outer inner nested fails',
      'outcomes.test.cjs::fails an assertion',
      'outcomes.test.cjs::throws an error',
      'retry.test.cjs::always fails despite retries',
    ]);
    expect(outcomes(g)).toContainEqual(['retry.test.cjs::passes on retry', 'flaky']);
  });

  it("Playwright's CTRF reporter: the test that failed on both attempts blocks, the retried pass is flaky", () => {
    const g = gate('fixtures/ctrf/playwright/retries.json');
    expect(g.code).toBe(1);
    expect(g.verdict.blocking.map((b) => [b.id, b.summary])).toEqual([
      [
        'chromium > page.spec.mjs > a local page::fails on the wrong heading',
        'failed in 2 of 2 attempts',
      ],
    ]);
    expect(outcomes(g)).toContainEqual([
      'chromium > page.spec.mjs > a local page::passes on retry',
      'flaky',
    ]);
  });

  it('a CTRF report that does not validate is a red gate, not an empty green one', () => {
    const bad = join(dir, 'ctrf-report.json');
    const document = JSON.parse(
      readFileSync(join(root, 'fixtures/ctrf/jest/outcomes-and-retries.json'), 'utf8'),
    );
    document.results.tests[0].status = 'green';
    writeFileSync(bad, JSON.stringify(document));
    const g = gate(bad);
    expect(g.code).toBe(1);
    expect(g.tests).toEqual([]);
    expect(g.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'ctrf-invalid'],
      ['warning', 'leg-none-ran'],
    ]);
  });
});
