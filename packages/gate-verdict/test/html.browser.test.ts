import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The HTML report as a person sees it: Debian's chromium, driven by playwright-core, on a
// report of 100,000 tests made by the built junit-merge and gate-verdict.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(root, 'reports/gate-verdict-report.png');

let dir: string;
let browser: Browser;
const TESTS = 100_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gate-verdict-html-'));
  for (const leg of ['api-22', 'api-24', 'worker-22', 'worker-24']) {
    mkdirSync(join(dir, 'artifacts', leg), { recursive: true });
    const cases = Array.from({ length: TESTS / 4 }, (_, n) =>
      n === 7 && leg === 'api-22'
        ? '<testcase classname="evil" name="&lt;script&gt;alert(1)&lt;/script&gt;"><failure message="&lt;img src=x onerror=alert(2)&gt;">boom</failure></testcase>'
        : n % 5000 === 1
          ? `<testcase classname="svc.${leg}" name="fails ${n}" time="0.2"><failure message="expected ${n}">trace ${n}</failure></testcase>`
          : `<testcase classname="svc.${leg}" name="test ${n}" time="${(n % 97) / 100}"/>`,
    );
    writeFileSync(
      join(dir, 'artifacts', leg, 'junit.xml'),
      `<testsuite name="s">${cases.join('')}</testsuite>`,
    );
  }
  const result = spawnSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `node ${root}/packages/junit-merge/bin.js 'artifacts/**/*.xml' -q | node ${root}/packages/gate-verdict/bin.js --html report.html -q`,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(1);
  expect(
    existsSync(CHROMIUM),
    `${CHROMIUM} is needed (Debian package chromium; npm test installs it)`,
  ).toBe(true);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTML report in Chromium', () => {
  it('shows the verdict, escapes test data, and filters 100,000 tests by status, leg and name', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);

    await expect(page.locator('#verdict').textContent()).resolves.toBe('Test gate: red');
    await expect(page.locator('#tests-count').textContent()).resolves.toBe(
      `500 of ${TESTS} tests, showing 500`.replace('500 of', `${TESTS} of`),
    );
    expect(await page.locator('#tests-body tr').count()).toBe(500);
    await expect(page.locator('#blocking').textContent()).resolves.toBe('Blocking failures (21)');
    await expect(
      page.getByText('evil::<script>alert(1)</script>', { exact: true }).first().isVisible(),
    ).resolves.toBe(true);

    await page.selectOption('#f-status', 'failed');
    await expect(page.locator('#tests-count').textContent()).resolves.toBe(`21 of ${TESTS} tests`);
    expect(await page.locator('#tests-body td.failed').count()).toBe(21);

    await page.selectOption('#f-leg', 'worker-24');
    await expect(page.locator('#tests-count').textContent()).resolves.toBe(`5 of ${TESTS} tests`);

    await page.selectOption('#f-status', '');
    await page.fill('#f-name', 'test 24999');
    await expect(page.locator('#tests-count').textContent()).resolves.toBe(`1 of ${TESTS} tests`);
    await expect(page.locator('#tests-body tr td').first().textContent()).resolves.toBe(
      'svc.worker-24::test 24999',
    );

    await page.fill('#f-name', '');
    await page.selectOption('#f-leg', '');
    await page.click('#tests-more');
    expect(await page.locator('#tests-body tr').count()).toBe(1000);

    await page.locator('#blocking ~ details').first().click();
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120_000);

  it("draws a failing test's last recorded runs as a strip, and times as people read them", async () => {
    const project = join(dir, 'history-project');
    mkdirSync(join(project, 'artifacts/unit'), { recursive: true });
    writeFileSync(
      join(project, 'budgets.json'),
      '{"budgets": [{"leg": "unit", "target": 100, "hard": 130}]}',
    );
    const outcomes = ['passed', 'failed', 'passed', 'failed'];
    let report = '';
    outcomes.forEach((outcome, i) => {
      writeFileSync(
        join(project, 'artifacts/unit/junit.xml'),
        `<testsuite name="s" timestamp="2026-11-0${i + 1}T10:00:00"><testcase classname="c" name="ok" time="125"/><testcase classname="c" name="coin" time="0.163">${outcome === 'failed' ? '<failure message="tails"/>' : ''}</testcase></testsuite>`,
      );
      const run = spawnSync(
        'bash',
        [
          '--norc',
          '--noprofile',
          '-c',
          `node ${root}/packages/junit-merge/bin.js 'artifacts/**/*.xml' -q --commit c${i + 1} --run-id r${i + 1} | node ${root}/packages/flake-detect/bin.js --history h --record | node ${root}/packages/gate-verdict/bin.js --budgets budgets.json --html report.html -q`,
        ],
        { cwd: project, encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(outcome === 'failed' ? 1 : 0);
      report = join(project, 'report.html');
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    await page.goto(pathToFileURL(report).href);
    const squares = page.locator('#blocking ~ details .strip i');
    expect(await squares.count()).toBe(4);
    expect(
      await squares.evaluateAll((list) => {
        // Runs in the page: the DOM's getComputedStyle, which Node's types do not know.
        const page = globalThis as unknown as {
          getComputedStyle(el: unknown): { backgroundColor: string };
        };
        return list.map((el) => page.getComputedStyle(el).backgroundColor);
      }),
    ).toEqual(['rgb(45, 164, 78)', 'rgb(207, 34, 46)', 'rgb(45, 164, 78)', 'rgb(207, 34, 46)']);
    await expect(squares.last().getAttribute('title')).resolves.toBe('c4: failed');
    expect((await squares.first().boundingBox())!.width).toBeGreaterThan(4);
    // The leg's test time over the four runs, with its budget's target and hard limit.
    const spark = page.locator('#legs ~ table svg.spark');
    await expect(spark.getAttribute('aria-label')).resolves.toBe(
      'test time of the last 4 runs: 2 m 05 s, 2 m 05 s, 2 m 05 s, 2 m 05 s; budget 1 m 40 s, hard 2 m 10 s',
    );
    await expect(spark.locator('polyline').getAttribute('points')).resolves.toMatch(
      /^(\S+,\S+ ){3}\S+,\S+$/,
    );
    expect(await spark.locator('line.target').count()).toBe(1);
    expect(await spark.locator('line.hard').count()).toBe(1);
    expect((await spark.boundingBox())!.width).toBe(120);
    const times = await page.locator('#tests-body tr td:nth-child(4)').allTextContents();
    expect(times.sort()).toEqual(['0.16 s', '2 m 05 s']);
    await page.close();
  }, 120_000);
});
