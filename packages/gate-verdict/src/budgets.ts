import { ValueError } from '@testgate/stream';

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

/**
 * Reads budgets: `{"budgets": [{"leg" | "suite": glob, "target": s, "hard": s}]}`. What is
 * wrong is a ValueError naming the field.
 */
export function parseBudgets(text: string): Budget[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValueError('the file', `JSON (${(error as Error).message})`, undefined, HINT);
  }
  const list = (value as { budgets?: unknown } | null)?.budgets;
  if (!Array.isArray(list))
    throw new ValueError('the file', 'an object with a "budgets" array', text, HINT);
  return list.map((entry, index) => {
    const where = `budgets[${index}]`;
    const { leg, suite, target, hard } = (entry ?? {}) as Record<string, unknown>;
    if ((leg === undefined) === (suite === undefined))
      throw new ValueError(where, 'an object with one of "leg" or "suite"', undefined, HINT);
    for (const [name, glob] of [
      ['leg', leg],
      ['suite', suite],
    ] as const) {
      if (glob !== undefined && (typeof glob !== 'string' || glob === ''))
        throw new ValueError(`${where}.${name}`, 'a non-empty glob', String(glob), HINT);
    }
    for (const [name, seconds] of [
      ['target', target],
      ['hard', hard],
    ] as const) {
      if (typeof seconds !== 'number' || !(seconds > 0))
        throw new ValueError(
          `${where}.${name}`,
          'a positive number of seconds',
          String(seconds),
          HINT,
        );
    }
    if ((hard as number) < (target as number))
      throw new ValueError(
        `${where}.hard`,
        `at least its target (${String(target)})`,
        String(hard),
        HINT,
      );
    const budget: Budget = { target: target as number, hard: hard as number };
    if (leg !== undefined) budget.leg = leg as string;
    if (suite !== undefined) budget.suite = suite as string;
    return budget;
  });
}
