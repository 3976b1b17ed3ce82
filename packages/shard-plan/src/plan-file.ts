import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, echo } from '@testgate/stream';
import type { Plan } from './plan.js';

const HINT = 'pass a plan shard-plan wrote with --format json';

/** Reads a plan file shard-plan wrote, checking what its readers rely on. */
export async function readPlanFile(path: string, cwd: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the plan (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      { file: path },
    );
  }
  let plan: Partial<Plan>;
  try {
    plan = JSON.parse(text) as Partial<Plan>;
  } catch {
    throw new InputError(`not JSON: ${echo(text)}`, { file: path }, HINT);
  }
  const shardsOk =
    Array.isArray(plan.shards) &&
    plan.shards.every(
      (s, n) =>
        typeof s?.name === 'string' &&
        s.index === n + 1 &&
        Array.isArray(s.args) &&
        s.args.every((a) => typeof a === 'string'),
    );
  if (plan.version !== 1 || !shardsOk)
    throw new InputError(
      'not a shard plan (version 1, shards numbered from 1 with their args)',
      { file: path },
      HINT,
    );
  return plan as Plan;
}
