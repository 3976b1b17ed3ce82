import { formatSeconds } from './durations.js';
import { balanceLine, plannedNote, shardBalance } from './shard-balance.js';
import { CO_FAILING, flakeLabel } from './flake-label.js';
import {
  type ExcusedTest,
  type FlakeRecentRun,
  type Finding,
  type TestRef,
  type VerdictDocument,
  type VerdictLeg,
  sanitizeForTerminal,
} from '@testgate/stream';

/** GitHub's limit for one step summary. */
export const SUMMARY_LIMIT = 1024 * 1024;
// Room kept for the closing sections and the truncation marker.
const RESERVE = 16 * 1024;

/** Escapes text from test data for Markdown: no markup, no HTML, no link, no control, one line. */
export function escapeMarkdown(text: string): string {
  return sanitizeForTerminal(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '))
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`);
}

function firstLine(text: string | undefined, max = 200): string {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function seconds(value: number | undefined): string {
  return value === undefined ? '' : formatSeconds(value);
}

const RUN_MARK: Record<FlakeRecentRun['outcome'], string> = {
  passed: '🟩',
  failed: '🟥',
  error: '🟥',
  flaky: '🟨',
  skipped: '⬜',
};

const BARS = '▁▂▃▄▅▆▇█';

/** A leg's test time over its recorded runs as block characters, as the HTML draws it. */
function trend(leg: VerdictLeg): string {
  const values = leg.recentTestSeconds ?? [];
  if (values.length < 2) return '';
  const top = Math.max(...values, leg.budget?.target ?? 0) || 1;
  const bars = values.map((v) => BARS[Math.min(7, Math.floor((v / top) * 7.999))]).join('');
  return leg.budget ? `${bars} (budget ${formatSeconds(leg.budget.target)})` : bars;
}

/** The test's last recorded runs, oldest first, as the HTML report draws them. */
function strip(recent: FlakeRecentRun[] | undefined): string {
  return recent && recent.length > 0 ? ` ${recent.map((r) => RUN_MARK[r.outcome]).join('')}` : '';
}

const STATUS_MARK: Record<VerdictLeg['status'], string> = {
  reported: '',
  missing: '❌ missing',
  empty: '⚠️ empty',
  unreadable: '❌ unreadable',
};

/** How a leg stands: its blocking failures, its quarantined ones, and those of a leg that does not block. */
type LegStanding = (leg: VerdictLeg) => { blocking: number; excused: number; shown: number };

function standingOf(verdict: VerdictDocument): LegStanding {
  const tally = (tests: Array<{ leg: string }>) => {
    const counts = new Map<string, number>();
    for (const t of tests) counts.set(t.leg, (counts.get(t.leg) ?? 0) + 1);
    return counts;
  };
  const blocking = tally(verdict.blocking);
  const excused = tally(verdict.excused.filter((t) => t.why === 'quarantined'));
  const shown = tally(verdict.excused.filter((t) => t.why === 'leg-not-blocking'));
  return (leg) => ({
    blocking: blocking.get(leg.name) ?? 0,
    excused: excused.get(leg.name) ?? 0,
    shown: shown.get(leg.name) ?? 0,
  });
}

// The mark says whether the leg blocks: an excused failure is no red cross under a green gate.
function legCell(leg: VerdictLeg, standing: LegStanding): string {
  if (leg.status !== 'reported') return STATUS_MARK[leg.status];
  const c = leg.counts;
  const { blocking, excused, shown } = standing(leg);
  const mark = blocking > 0 ? '❌' : '✅';
  const extra = [
    blocking > 0 ? `${blocking} blocking` : '',
    excused > 0 ? `${excused} quarantined` : '',
    shown > 0 ? `${shown} failed` : '',
    leg.blocking === false ? 'not blocking' : '',
    c.flaky > 0 ? `${c.flaky} flaky` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const planned = leg.planned === undefined ? '' : ` (${plannedNote(leg)})`;
  return `${mark} ${c.passed + c.flaky}/${c.tests}${extra ? ` (${extra})` : ''} ${seconds(leg.duration)}${planned} ${trend(leg)}`.trim();
}

/** A grid by the first two matrix keys when every leg has them (service x runtime), else a list. */
function legTable(legs: VerdictLeg[], standing: LegStanding): string {
  if (legs.length === 0) return '_No leg in the stream._\n';
  const keys = Object.keys(legs[0]!.matrix ?? {});
  const [rowKey, colKey] = keys;
  if (
    rowKey !== undefined &&
    colKey !== undefined &&
    legs.every((l) => l.matrix?.[rowKey] !== undefined && l.matrix[colKey] !== undefined)
  ) {
    const rows = [...new Set(legs.map((l) => String(l.matrix![rowKey])))].sort();
    const cols = [...new Set(legs.map((l) => String(l.matrix![colKey])))].sort();
    const cell = (r: string, c: string): string =>
      legs
        .filter((l) => String(l.matrix![rowKey]) === r && String(l.matrix![colKey]) === c)
        .map((l) => legCell(l, standing))
        .join('<br>') || '·';
    return [
      `| ${escapeMarkdown(rowKey)} / ${escapeMarkdown(colKey)} | ${cols.map(escapeMarkdown).join(' | ')} |`,
      `| --- | ${cols.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${escapeMarkdown(r)} | ${cols.map((c) => cell(r, c)).join(' | ')} |`),
      '',
    ].join('\n');
  }
  return [
    '| leg | result |',
    '| --- | --- |',
    ...legs.map((l) => `| ${escapeMarkdown(l.name)} | ${legCell(l, standing)} |`),
    '',
  ].join('\n');
}

function testLine(test: TestRef): string {
  const where =
    test.file === undefined
      ? ''
      : ` — ${escapeMarkdown(test.file)}${test.line === undefined ? '' : `:${test.line}`}`;
  const message = firstLine(test.message ?? test.details);
  const label = flakeLabel(test.flake);
  return `- **${escapeMarkdown(test.id)}** (${escapeMarkdown(test.leg)})${label ? ` _${escapeMarkdown(label)}_` : ''}${strip(test.flake?.recent)}${where}${message ? `: ${escapeMarkdown(message)}` : ''}`;
}

function excusedLine(test: ExcusedTest): string {
  if (test.why === 'quarantined') {
    const entry = (test.evidence ?? {}) as Record<string, unknown>;
    const owner = typeof entry.owner === 'string' ? `, owner ${escapeMarkdown(entry.owner)}` : '';
    const deadline =
      typeof entry.deadline === 'string' ? `, until ${escapeMarkdown(entry.deadline)}` : '';
    // Days left come from quarantine-filter, which knows the date: the verdict reads no clock.
    const left = typeof entry.daysLeft === 'number' ? ` (${entry.daysLeft} days left)` : '';
    const pinned =
      typeof entry.signature === 'string'
        ? `, only when failing with ${escapeMarkdown(entry.signature)}`
        : '';
    return `${testLine(test)}${owner}${deadline}${left}${pinned}`;
  }
  const attempts = Array.isArray(test.evidence)
    ? (test.evidence as Array<{ outcome?: string }>).map((a) => a.outcome).join(' → ')
    : '';
  return `${testLine(test)}${attempts ? ` — attempts: ${attempts}` : ''}`;
}

function findings(list: Finding[]): string {
  return list.map((f) => `- ${escapeMarkdown(f.message)}`).join('\n');
}

/**
 * The step summary: the verdict and its reasons first, then the leg grid, the blocking
 * failures, flaky and quarantined tests and the warnings; never over GitHub's 1 MiB, long
 * lists cut with a marker that says where the rest is.
 */
export function renderSummary(
  verdict: VerdictDocument,
  options: { limit?: number; fullReport?: string } = {},
): string {
  const limit = options.limit ?? SUMMARY_LIMIT;
  const rest = options.fullReport ?? 'the --json verdict document';
  const c = verdict.counts;
  const coFailing = verdict.warnings.filter((w) => w.code === CO_FAILING);
  const head = [
    verdict.verdict === 'green' ? '## ✅ Test gate: green' : '## ❌ Test gate: red',
    '',
    `${c.tests} results (tests × legs): ${c.passed} passed, ${c.failed} failed, ${c.error} errored, ${c.flaky} flaky, ${c.skipped} skipped, ${c.excused} excused (quarantined, or in a leg that does not block).`,
    '',
  ];
  if (verdict.reasons.length > 0) head.push('### Why it is red', '', findings(verdict.reasons), '');
  head.push('### Legs', '', legTable(verdict.legs, standingOf(verdict)));
  const balance = shardBalance(verdict.legs);
  if (balance) head.push(escapeMarkdown(balanceLine(balance)), '');
  // Byte size kept as the text grows: measuring the whole text for each line would be
  // quadratic in the number of failures.
  let text = head.join('\n');
  let bytes = Buffer.byteLength(text);
  const add = (piece: string): void => {
    text += piece;
    bytes += Buffer.byteLength(piece);
  };
  const section = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    add(`\n### ${title} (${items.length})\n\n`);
    let shown = 0;
    for (const item of items) {
      const line = `${item}\n`;
      if (bytes + Buffer.byteLength(line) + RESERVE > limit) break;
      add(line);
      shown++;
    }
    if (shown < items.length) {
      add(
        `\n_… and ${items.length - shown} more, cut to stay under ${Math.round(limit / 1024)} KiB: see ${rest}._\n`,
      );
    }
  };
  section('Blocking failures', verdict.blocking.map(testLine));
  section(
    'Flaky tests that fail together',
    coFailing.map((f) => `- ${escapeMarkdown(f.message)}`),
  );
  section('Flaky, not blocking', verdict.excused.filter((t) => t.why === 'flaky').map(excusedLine));
  section('Quarantined', verdict.excused.filter((t) => t.why === 'quarantined').map(excusedLine));
  section(
    'In legs that do not block',
    verdict.excused.filter((t) => t.why === 'leg-not-blocking').map(testLine),
  );
  section(
    'Warnings',
    verdict.warnings
      .filter((w) => w.code !== CO_FAILING)
      .map((w) => `- ${escapeMarkdown(w.message)}`),
  );
  return bytes <= limit ? text : fitted(text, limit, rest);
}

/** The text, cut on a line to stay under the limit: for a head alone over it (thousands of legs). */
function fitted(text: string, limit: number, rest: string): string {
  const bytes = Buffer.from(text);
  const marker = `\n_… cut to stay under ${Math.round(limit / 1024)} KiB: see ${rest}._\n`;
  const room = limit - Buffer.byteLength(marker);
  const cut = bytes
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}${marker}`;
}
