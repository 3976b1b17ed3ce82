import { UsageError, shellQuote } from '@testgate/stream';
import type { Plan } from './plan.js';

export const FORMATS = ['json', 'github-matrix', 'args'] as const;
export type Format = (typeof FORMATS)[number];

/** GitHub Actions keeps at most 1 MB of a job's outputs. */
export const MATRIX_LIMIT = 1_000_000;

/**
 * The plan as the CI reads it: `json`, the plan file (also what `junit-merge --expect`
 * reads, each shard an expected leg); `github-matrix`, one line for a job output that a
 * `strategy.matrix` reads with `fromJSON`; `args`, one shard's arguments shell-quoted.
 */
export function formatPlan(plan: Plan, format: Format, shard?: number): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(plan, null, 2)}\n`;
    case 'github-matrix': {
      const include = plan.shards.map((s) => ({
        shard: s.name,
        index: s.index,
        ...(s.planned !== undefined && { planned: s.planned }),
        args: s.args.map(shellQuote).join(' '),
      }));
      const line = JSON.stringify({ include });
      if (Buffer.byteLength(line) > MATRIX_LIMIT)
        throw new UsageError(
          `the matrix is ${Buffer.byteLength(line)} bytes, over the ${MATRIX_LIMIT} bytes GitHub keeps of a job's outputs`,
          'write the plan with --format json as an artifact, and let each shard take its arguments with --plan FILE --shard N --format args',
        );
      return `${line}\n`;
    }
    case 'args': {
      if (shard === undefined)
        throw new UsageError('--format args needs --shard N: whose arguments?');
      const found = plan.shards.find((s) => s.index === shard);
      if (!found)
        throw new UsageError(
          `--shard ${shard}: the plan has shards 1 to ${plan.shards.length}`,
          'plan as many shards as the CI runs, or pass a shard the plan has',
        );
      return `${found.args.map(shellQuote).join(' ')}\n`;
    }
  }
}
