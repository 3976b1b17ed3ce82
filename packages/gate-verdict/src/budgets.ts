import { UsageError, echo } from '@testgate/stream';

/** A timing budget: for legs (or suites) matching a glob, a target and a hard limit in seconds. */
export interface Budget {
  /** Glob over leg names. */
  leg?: string;
  /** Glob over suites (the test's suite, else its classname), timed per leg. */
  suite?: string;
  /** Over this is a warning. */
  target: number;
  /** Over this the gate is red. */
  hard: number;
}

const HINT =
  'write {"budgets": [{"leg": "unit-*", "target": 120, "hard": 180}]}; seconds, globs with *';

/** Reads a budgets file: `{"budgets": [{"leg" | "suite": glob, "target": s, "hard": s}]}`. */
export function parseBudgets(text: string, file: string): Budget[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--budgets ${file}: not JSON (${(error as Error).message})`, HINT);
  }
  const list = (value as { budgets?: unknown } | null)?.budgets;
  if (!Array.isArray(list))
    throw new UsageError(
      `--budgets ${file}: expected an object with a "budgets" array, got: ${echo(text)}`,
      HINT,
    );
  return list.map((entry, index) => {
    const where = `--budgets ${file}: budgets[${index}]`;
    const { leg, suite, target, hard } = (entry ?? {}) as Record<string, unknown>;
    if ((leg === undefined) === (suite === undefined))
      throw new UsageError(`${where}: needs one of "leg" or "suite"`, HINT);
    for (const [name, glob] of [
      ['leg', leg],
      ['suite', suite],
    ] as const) {
      if (glob !== undefined && (typeof glob !== 'string' || glob === ''))
        throw new UsageError(`${where}: "${name}" must be a non-empty glob`, HINT);
    }
    for (const [name, seconds] of [
      ['target', target],
      ['hard', hard],
    ] as const) {
      if (typeof seconds !== 'number' || !(seconds > 0))
        throw new UsageError(
          `${where}: "${name}" must be a positive number of seconds, got: ${echo(String(seconds))}`,
          HINT,
        );
    }
    if ((hard as number) < (target as number))
      throw new UsageError(
        `${where}: "hard" (${String(hard)}) is below "target" (${String(target)})`,
        HINT,
      );
    const budget: Budget = { target: target as number, hard: hard as number };
    if (leg !== undefined) budget.leg = leg as string;
    if (suite !== undefined) budget.suite = suite as string;
    return budget;
  });
}
