import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, echo } from './errors.js';

/** A leg the pipeline expects, with its matrix values. */
export interface ExpectedLeg {
  name: string;
  matrix?: Record<string, string | number | boolean>;
  /** false: the leg's failures and problems show but never block (a quarantine lane). */
  blocking?: false;
  /** Seconds a shard plan gave the leg. */
  planned?: number;
}

const HINT =
  'pass a JSON array of leg names or of objects with "name", matrix values and optionally "blocking": false and "planned" seconds, or a plan shard-plan wrote, inline or as a file';

/**
 * Reads `--expect`: a JSON array of leg names (`["api-22","api-24"]`) or of objects with a
 * `name` and matrix values (`[{"name":"api-22","service":"api","node":22}]`), or a plan
 * shard-plan wrote: each of its shards is a leg, with its shard number as a matrix value
 * (so flake-detect reads the shards as one configuration) and its planned seconds.
 */
export function parseExpectedLegs(text: string, source: string): ExpectedLeg[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--expect ${source}: not JSON (${(error as Error).message})`, HINT);
  }
  if (isPlan(value)) return planLegs(value, source);
  if (!Array.isArray(value))
    throw new UsageError(`--expect ${source}: must be a JSON array, got: ${echo(text)}`, HINT);
  const seen = new Set<string>();
  return value.map((entry, index): ExpectedLeg => {
    const leg = toLeg(entry, index, source);
    if (seen.has(leg.name))
      throw new UsageError(`--expect ${source}: leg ${JSON.stringify(leg.name)} is listed twice`);
    seen.add(leg.name);
    return leg;
  });
}

interface PlanShape {
  version: unknown;
  shards: unknown[];
}

function isPlan(value: unknown): value is PlanShape {
  return value !== null && typeof value === 'object' && Array.isArray((value as PlanShape).shards);
}

function planLegs(plan: PlanShape, source: string): ExpectedLeg[] {
  if (plan.version !== 1)
    throw new UsageError(
      `--expect ${source}: a shard plan of version ${JSON.stringify(plan.version)}, not 1`,
      HINT,
    );
  return plan.shards.map((shard, n) => {
    const { name, index, planned } = (shard ?? {}) as Record<string, unknown>;
    if (
      typeof name !== 'string' ||
      name === '' ||
      index !== n + 1 ||
      (planned !== undefined && typeof planned !== 'number')
    )
      throw new UsageError(
        `--expect ${source}: shard ${n + 1} of the plan needs its "name" and "index" ${n + 1} (and "planned" seconds, if any)`,
        HINT,
      );
    return { name, matrix: { shard: index }, ...(planned !== undefined && { planned }) };
  });
}

function toLeg(entry: unknown, index: number, source: string): ExpectedLeg {
  if (typeof entry === 'string' && entry !== '') return { name: entry };
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const { name, blocking, planned, ...rest } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') {
      throw new UsageError(`--expect ${source}: entry ${index} needs a non-empty "name"`, HINT);
    }
    if (blocking !== undefined && typeof blocking !== 'boolean')
      throw new UsageError(
        `--expect ${source}: entry ${index} ("${name}"): "blocking" must be true or false`,
        HINT,
      );
    if (planned !== undefined && !(typeof planned === 'number' && planned >= 0))
      throw new UsageError(
        `--expect ${source}: entry ${index} ("${name}"): "planned" must be seconds, a number from 0`,
        HINT,
      );
    const matrix: Record<string, string | number | boolean> = {};
    for (const key of Object.keys(rest).sort()) {
      const v = rest[key];
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new UsageError(
          `--expect ${source}: entry ${index} ("${name}"): matrix value "${key}" must be a string, number or boolean`,
        );
      }
      matrix[key] = v;
    }
    return {
      name,
      ...(Object.keys(matrix).length > 0 && { matrix }),
      ...(blocking === false && { blocking }),
      ...(planned !== undefined && { planned }),
    };
  }
  throw new UsageError(
    `--expect ${source}: entry ${index} must be a leg name or an object with "name", got: ${echo(JSON.stringify(entry) ?? String(entry))}`,
    HINT,
  );
}

/**
 * Reads `--expect`, given once or more (a plan and the other legs, say): each inline JSON
 * or the path of a JSON file; a leg may be named once in all of them.
 */
export async function readExpectedLegs(
  values: string | readonly string[],
  cwd: string,
): Promise<ExpectedLeg[]> {
  const legs: ExpectedLeg[] = [];
  const from = new Map<string, string>();
  for (const value of typeof values === 'string' ? [values] : values) {
    const source = isInline(value) ? '(inline)' : value;
    for (const leg of await readOne(value, cwd)) {
      const earlier = from.get(leg.name);
      if (earlier !== undefined)
        throw new UsageError(
          `--expect ${source}: leg ${JSON.stringify(leg.name)} is also in --expect ${earlier}`,
          'name each leg in one --expect',
        );
      from.set(leg.name, source);
      legs.push(leg);
    }
  }
  return legs;
}

/** Inline JSON rather than a path: it opens an array, an object or a string. */
function isInline(value: string): boolean {
  return /^\s*[[{"]/.test(value);
}

async function readOne(value: string, cwd: string): Promise<ExpectedLeg[]> {
  if (isInline(value)) return parseExpectedLegs(value, '(inline)');
  let text: string;
  try {
    text = await readFile(resolve(cwd, value), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `--expect ${value}: cannot read (${reason})`,
      'pass a JSON array inline or the path of a JSON file',
    );
  }
  return parseExpectedLegs(text, value);
}
