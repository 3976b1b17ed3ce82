import type {
  ExcusedTest,
  FlakeRecentRun,
  Finding,
  TestRecord,
  TestRef,
  VerdictDocument,
  VerdictLeg,
} from '@testgate/stream';
import { formatSeconds } from './durations.js';
import { balanceLine, plannedNote, shardBalance } from './shard-balance.js';
import { CO_FAILING, flakeLabel } from './flake-label.js';

/** One test as the HTML report lists it: [id, leg, outcome, seconds]. */
export type TestRow = [id: string, leg: string, outcome: TestRecord['outcome'], seconds: number];

/** Collects the rows of the HTML report's test table from the stream, one test at a time. */
export function collectRows(rows: TestRow[]): (test: TestRecord) => void {
  return (test) => {
    const seconds = test.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
    rows.push([test.id, test.leg, test.outcome, Math.round(seconds * 1000) / 1000]);
  };
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON that is safe inside a <script> element: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:16px 24px;color:#fff}header.green{background:#1a7f37}header.red{background:#cf222e}
header h1{margin:0;font-size:22px}main{padding:8px 24px 40px}
h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.failed,.error{color:#cf222e}.flaky{color:#9a6700}.flake-broken{color:#cf222e;font-style:italic}.flake-flaky,.flake-suspect{color:#9a6700;font-style:italic}.flake-new{color:#57606a;font-style:italic}.cause-new-failure,.cause-new-test{color:#cf222e;font-weight:600;font-style:normal}.cause-fails-on-base,.cause-infra{color:#57606a}.passed{color:#1a7f37}.skipped{color:#57606a}
details{margin:6px 0;border:1px solid #d0d7de;border-radius:6px;padding:6px 10px}summary{cursor:pointer}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;border-radius:6px;max-height:400px;overflow:auto}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}.filters input{flex:1;min-width:200px}
input,select,button{font:inherit;padding:4px 8px}.muted{color:#57606a}
.strip{display:inline-flex;gap:2px;vertical-align:middle;margin-left:6px}.strip i{display:inline-block;width:7px;height:14px;border-radius:1px}
.spark{vertical-align:middle;overflow:visible}.spark polyline{fill:none;stroke:#0969da;stroke-width:1.5}.spark circle{fill:#0969da}.spark .target{stroke:#9a6700;stroke-dasharray:3 2}.spark .hard{stroke:#cf222e}
.run-passed{background:#2da44e}.run-failed,.run-error{background:#cf222e}.run-flaky{background:#d4a72c}.run-skipped{background:#d0d7de}`;

// Filters the embedded rows and renders a page of them at a time: fast with 100,000 tests.
const SCRIPT = `
${formatSeconds.toString()}
const rows = JSON.parse(document.getElementById('rows').textContent);
const $ = (id) => document.getElementById(id);
const body = $('tests-body'), count = $('tests-count'), more = $('tests-more');
const PAGE = 500;
let matching = [], shown = 0;
function text(value) { return document.createTextNode(String(value)); }
function render(reset) {
  if (reset) {
    const status = $('f-status').value, leg = $('f-leg').value, q = $('f-name').value.trim().toLowerCase();
    matching = rows.filter((r) => (!status || r[2] === status) && (!leg || r[1] === leg) && (!q || r[0].toLowerCase().includes(q)));
    body.replaceChildren(); shown = 0;
  }
  const fragment = document.createDocumentFragment();
  for (const r of matching.slice(shown, shown + PAGE)) {
    const tr = document.createElement('tr');
    const cells = [r[0], r[1], r[2], formatSeconds(r[3])];
    cells.forEach((value, i) => { const td = document.createElement('td'); td.append(text(value)); if (i === 2) td.className = r[2]; if (i === 3) td.className = 'num'; tr.append(td); });
    fragment.append(tr);
  }
  body.append(fragment); shown = Math.min(shown + PAGE, matching.length);
  count.textContent = matching.length + ' of ' + rows.length + ' tests' + (shown < matching.length ? ', showing ' + shown : '');
  more.hidden = shown >= matching.length;
}
for (const id of ['f-status', 'f-leg']) $(id).addEventListener('change', () => render(true));
$('f-name').addEventListener('input', () => render(true));
more.addEventListener('click', () => render(false));
render(true);`;

function findingList(findings: Finding[]): string {
  return `<ul>${findings.map((f) => `<li>${escapeHtml(f.message)}</li>`).join('')}</ul>`;
}

function legRows(legs: VerdictLeg[]): string {
  return legs
    .map((l) => {
      const c = l.counts;
      const matrix = Object.entries(l.matrix ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const cells = [c.tests, c.passed, c.failed + c.error, c.flaky, c.skipped]
        .map((n) => `<td class="num">${n}</td>`)
        .join('');
      const status = `${l.status === 'reported' ? '' : ` <span class="failed">${escapeHtml(l.status)}</span>`}${l.blocking === false ? ' <span class="muted">not blocking</span>' : ''}`;
      return `<tr><td>${escapeHtml(l.name)}${status}</td><td class="muted">${escapeHtml(matrix)}</td>${cells}<td class="num">${l.duration === undefined ? '' : formatSeconds(l.duration)}${l.planned === undefined ? '' : ` <span class="muted">(${plannedNote(l)})</span>`}</td><td>${sparkline(l)}</td></tr>`;
    })
    .join('');
}

function failure(test: TestRef | ExcusedTest, extra = ''): string {
  const where =
    test.file === undefined
      ? ''
      : ` <span class="muted">${escapeHtml(test.file)}${test.line === undefined ? '' : `:${test.line}`}</span>`;
  const label = flakeLabel(test.flake);
  const cause = test.flake?.cause?.label;
  const flake = label
    ? ` <span class="flake-${escapeHtml(test.flake!.status)}${cause ? ` cause-${escapeHtml(cause)}` : ''}">${escapeHtml(label)}</span>`
    : '';
  return `<details><summary><b>${escapeHtml(test.id)}</b> <span class="muted">(${escapeHtml(test.leg)})</span> <span class="${escapeHtml(test.outcome)}">${escapeHtml(test.outcome)}</span>${flake}${where}${extra}${strip(test.flake?.recent)}</summary><pre>${escapeHtml([test.message, test.details].filter(Boolean).join('\n\n'))}</pre></details>`;
}

const SPARK = { width: 120, height: 24 };

/**
 * A leg's test time over its recorded runs, oldest first, as a line, with its budget's
 * target (dashed) and hard limit (red) where they fall inside the chart.
 */
function sparkline(leg: VerdictLeg): string {
  const values = leg.recentTestSeconds ?? [];
  if (values.length === 0) return '';
  const { width, height } = SPARK;
  // From a little under the lowest to a little over the highest of the times and the target.
  const shown = leg.budget ? [...values, leg.budget.target] : values;
  const bottom = Math.min(...shown) * 0.9;
  const top = Math.max(...shown) * 1.1 || 1;
  const y = (v: number) =>
    (height - ((v - bottom) / (top - bottom || 1)) * (height - 2) - 1).toFixed(1);
  const x = (i: number) =>
    (values.length === 1 ? width : (i / (values.length - 1)) * width).toFixed(1);
  const points = values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  const limit = (seconds: number | undefined, cls: string) =>
    seconds === undefined || seconds > top || seconds < bottom
      ? ''
      : `<line class="${cls}" x1="0" x2="${width}" y1="${y(seconds)}" y2="${y(seconds)}"/>`;
  const label = `test time of the last ${values.length} runs: ${values.map(formatSeconds).join(', ')}${leg.budget ? `; budget ${formatSeconds(leg.budget.target)}, hard ${formatSeconds(leg.budget.hard)}` : ''}`;
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${limit(leg.budget?.target, 'target')}${limit(leg.budget?.hard, 'hard')}<polyline points="${points}"/><circle cx="${x(values.length - 1)}" cy="${y(values.at(-1)!)}" r="2"/></svg>`;
}

/** The test's last recorded runs as a row of squares, oldest first, each titled with its commit. */
function strip(recent: FlakeRecentRun[] | undefined): string {
  if (!recent || recent.length === 0) return '';
  const runs = recent
    .map(
      (r) =>
        `<i class="run-${escapeHtml(r.outcome)}" title="${escapeHtml(`${r.commit}: ${r.outcome}`)}"></i>`,
    )
    .join('');
  return ` <span class="strip" role="img" aria-label="${escapeHtml(`last ${recent.length} runs: ${recent.map((r) => r.outcome).join(', ')}`)}">${runs}</span>`;
}

function excusedExtra(test: ExcusedTest): string {
  if (test.why === 'quarantined') {
    const entry = (test.evidence ?? {}) as Record<string, unknown>;
    const names: Record<string, string> = {
      daysLeft: 'days left',
      signature: 'only when failing with',
    };
    const parts = ['owner', 'reason', 'deadline', 'daysLeft', 'signature']
      .filter((k) => typeof entry[k] === 'string' || typeof entry[k] === 'number')
      .map((k) => `${names[k] ?? k}: ${String(entry[k])}`);
    return ` <span class="muted">${escapeHtml(parts.join(', '))}</span>`;
  }
  const attempts = Array.isArray(test.evidence)
    ? (test.evidence as Array<{ outcome?: string }>).map((a) => a.outcome).join(' → ')
    : '';
  return ` <span class="muted">attempts: ${escapeHtml(attempts)}</span>`;
}

function section(title: string, id: string, items: string[]): string {
  return items.length === 0
    ? ''
    : `<h2 id="${id}">${escapeHtml(title)} (${items.length})</h2>${items.join('')}`;
}

/**
 * One self-contained page (no network, no external asset): the verdict and its reasons,
 * the legs, failures with their full messages, flaky and quarantined tests, the slowest
 * tests, budgets, and every test in a table to filter by status and leg and search by
 * name. Everything from test data is escaped.
 */
export function renderHtml(verdict: VerdictDocument, rows: TestRow[]): string {
  const c = verdict.counts;
  const legs = [...new Set(rows.map((r) => r[1]))].sort();
  const slowest = [...rows].sort((a, b) => b[3] - a[3] || (a[0] < b[0] ? -1 : 1)).slice(0, 20);
  const budgets = [...verdict.reasons, ...verdict.warnings].filter((f) =>
    f.code.startsWith('budget-'),
  );
  const balance = shardBalance(verdict.legs);
  const coFailing = verdict.warnings.filter((w) => w.code === CO_FAILING);
  const warnings = verdict.warnings.filter((w) => w.code !== CO_FAILING);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Test gate: ${verdict.verdict}</title><style>${STYLE}</style></head>
<body><header class="${verdict.verdict}"><h1 id="verdict">Test gate: ${verdict.verdict}</h1>
<div>${c.tests} results (tests × legs): ${c.passed} passed, ${c.failed} failed, ${c.error} errored, ${c.flaky} flaky, ${c.skipped} skipped, ${c.excused} excused</div></header>
<main>
${verdict.reasons.length > 0 ? `<h2 id="reasons">Why it is red</h2>${findingList(verdict.reasons)}` : ''}
<h2 id="legs">Legs</h2>${balance ? `<p>${escapeHtml(balanceLine(balance))}</p>` : ''}<table><thead><tr><th>leg</th><th>matrix</th><th>tests</th><th>passed</th><th>failed</th><th>flaky</th><th>skipped</th><th>time</th><th>test time, recent runs</th></tr></thead><tbody>${legRows(verdict.legs)}</tbody></table>
${section(
  'Blocking failures',
  'blocking',
  verdict.blocking.map((t) => failure(t)),
)}
${section(
  'Flaky, not blocking',
  'flaky',
  verdict.excused.filter((t) => t.why === 'flaky').map((t) => failure(t, excusedExtra(t))),
)}
${section(
  'Quarantined',
  'quarantined',
  verdict.excused.filter((t) => t.why === 'quarantined').map((t) => failure(t, excusedExtra(t))),
)}
${section(
  'In legs that do not block',
  'not-blocking',
  verdict.excused.filter((t) => t.why === 'leg-not-blocking').map((t) => failure(t)),
)}
${budgets.length > 0 ? `<h2 id="budgets">Budgets</h2>${findingList(budgets)}` : ''}
${coFailing.length > 0 ? `<h2 id="co-failing">Flaky tests that fail together (${coFailing.length})</h2>${findingList(coFailing)}` : ''}
${warnings.length > 0 ? `<h2 id="warnings">Warnings</h2>${findingList(warnings)}` : ''}
<h2 id="slowest">Slowest tests</h2><table><tbody>${slowest.map((r) => `<tr><td>${escapeHtml(r[0])}</td><td>${escapeHtml(r[1])}</td><td class="num">${formatSeconds(r[3])}</td></tr>`).join('')}</tbody></table>
<h2 id="tests">All tests</h2>
<div class="filters"><select id="f-status" aria-label="status"><option value="">every status</option>${['failed', 'error', 'flaky', 'passed', 'skipped'].map((s) => `<option>${s}</option>`).join('')}</select>
<select id="f-leg" aria-label="leg"><option value="">every leg</option>${legs.map((l) => `<option value="${escapeHtml(l)}">${escapeHtml(l)}</option>`).join('')}</select>
<input id="f-name" type="search" placeholder="search by name" aria-label="name"></div>
<div id="tests-count" class="muted"></div>
<table><thead><tr><th>test</th><th>leg</th><th>outcome</th><th>time</th></tr></thead><tbody id="tests-body"></tbody></table>
<button id="tests-more" hidden>show more</button>
</main>
<script type="application/json" id="rows">${scriptJson(rows)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
