import { type Colors, type VerdictDocument, oneLine } from '@testgate/stream';
import { flakeLabel } from './flake-label.js';
import { balanceLine, shardBalance } from './shard-balance.js';

const SHOWN = 10;

/** The compact summary on stderr: the verdict, its reasons, the first blocking failures. */
export function renderTerminal(verdict: VerdictDocument, colors: Colors): string {
  const c = verdict.counts;
  const head =
    verdict.verdict === 'green'
      ? colors.green(colors.bold('gate-verdict: GREEN'))
      : colors.red(colors.bold('gate-verdict: RED'));
  const lines = [
    // Outcomes of this run, a test counted once per leg it ran in.
    `${head}  ${c.tests} results (tests × legs) in ${verdict.legs.length} leg(s): ${c.passed} passed, ${c.failed + c.error} failed (${c.excused} of them excused), ${c.flaky} flaky (passed on a retry), ${c.skipped} skipped`,
  ];
  for (const reason of verdict.reasons)
    lines.push(`  ${colors.red('✗')} ${oneLine(reason.message)}`);
  const balance = shardBalance(verdict.legs);
  if (balance) lines.push(`  ${oneLine(balanceLine(balance))}`);
  for (const warning of verdict.warnings.slice(0, SHOWN))
    lines.push(`  ${colors.yellow('!')} ${oneLine(warning.message)}`);
  for (const test of verdict.blocking.slice(0, SHOWN)) {
    const where =
      test.file === undefined
        ? ''
        : ` ${test.file}${test.line === undefined ? '' : `:${test.line}`}`;
    const message = (test.message ?? test.details ?? '').split('\n')[0]!.slice(0, 160);
    const label = flakeLabel(test.flake);
    lines.push(
      `    ${oneLine(`${test.id} (${test.leg})${label ? ` [${label}]` : ''}${where}${message ? `: ${message}` : ''}`)}`,
    );
  }
  if (verdict.blocking.length > SHOWN)
    lines.push(`    … and ${verdict.blocking.length - SHOWN} more`);
  return `${lines.join('\n')}\n`;
}
