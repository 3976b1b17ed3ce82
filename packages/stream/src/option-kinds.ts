import type { Options } from 'yargs';
import { isCalendarDate } from './dates.js';
import { UsageError } from './errors.js';
import { parseTimeSpan } from './time-span.js';

/** One option: how yargs shows and takes it, and how its value is checked and typed. */
export interface OptionKind<T> {
  readonly spec: Options;
  /** The checked value; throws a UsageError that names `flag`. */
  read(value: unknown, flag: string): T;
}

interface Described {
  describe: string;
  alias?: string;
}

/** An option made of its yargs settings and a check of the value. */
export function option<T>(spec: Options, read: (value: unknown, flag: string) => T): OptionKind<T> {
  return { spec, read };
}

const got = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : String(value);

/** `nargs: 1` takes the next word whatever it is: `--tests -` is stdin, not an empty value. */
export function text(o: Described & { default: string }): OptionKind<string>;
export function text(o: Described & { demandOption: true }): OptionKind<string>;
export function text(o: Described & { nargs?: 1 }): OptionKind<string | undefined>;
export function text(
  o: Described & { default?: string; nargs?: 1; demandOption?: true },
): OptionKind<string | undefined> {
  return option({ type: 'string', ...o }, (value) => value as string | undefined);
}

/** A text option that may be given more than once (`array`: and take several words). */
export function texts(o: Described & { array?: true }): OptionKind<string[] | undefined> {
  return option({ type: 'string', ...o }, (value) =>
    value === undefined ? undefined : ([value].flat() as string[]),
  );
}

export function flag(o: Described): OptionKind<boolean> {
  return option({ type: 'boolean', default: false, ...o }, (value) => value as boolean);
}

export function int(o: Described & { min?: number; default: number }): OptionKind<number>;
export function int(o: Described & { min?: number }): OptionKind<number | undefined>;
export function int({
  min = 1,
  ...o
}: Described & { min?: number; default?: number }): OptionKind<number | undefined> {
  return option({ type: 'number', ...o }, (value, name) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
      throw new UsageError(`${name} must be a whole number from ${min}, got: ${got(value)}`);
    return value;
  });
}

/** A share strictly between 0 and 1. */
export function rate(o: Described & { default: number }): OptionKind<number> {
  return option({ type: 'number', ...o }, (value, name) => {
    if (typeof value !== 'number' || !(value > 0 && value < 1))
      throw new UsageError(`${name} must be a rate between 0 and 1, got: ${got(value)}`);
    return value;
  });
}

/** A percentage above 0, up to 100. */
export function percent(o: Described & { default: number }): OptionKind<number> {
  return option({ type: 'number', ...o }, (value, name) => {
    if (typeof value !== 'number' || !(value > 0 && value <= 100))
      throw new UsageError(`${name} must be a percentage above 0, got: ${got(value)}`);
    return value;
  });
}

/** A length of time (`90m`, `12h`, `30d`, `8w`), in milliseconds. */
export function timeSpan(o: Described & { default: string }): OptionKind<number> {
  return option({ type: 'string', ...o }, (value, name) => {
    const ms = typeof value === 'string' ? parseTimeSpan(value) : undefined;
    if (ms === undefined)
      throw new UsageError(
        `${name} must be a length of time like 30d, 12h, 8w or 90m, got: ${got(value)}`,
      );
    return ms;
  });
}

/** A calendar date, `YYYY-MM-DD`. */
export function isoDate(o: Described): OptionKind<string | undefined> {
  return option({ type: 'string', ...o }, (value, name) => {
    if (value === undefined) return undefined;
    const text = String(value);
    if (!isCalendarDate(text))
      throw new UsageError(`${name} must be a date YYYY-MM-DD, got: ${got(value)}`);
    return text;
  });
}

/** An instant, ISO 8601, as UTC. */
export function timestamp(o: Described): OptionKind<string | undefined> {
  return option({ type: 'string', ...o }, (value, name) => {
    if (value === undefined) return undefined;
    const text = String(value);
    const date = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
      throw new UsageError(`${name} must be an ISO 8601 timestamp, got: ${got(value)}`);
    return date.toISOString();
  });
}

export function oneOf<const V extends readonly string[]>(
  values: V,
  o: Described & ({ default: V[number] } | { demandOption: true }),
): OptionKind<V[number]>;
export function oneOf<const V extends readonly string[]>(
  values: V,
  o: Described,
): OptionKind<V[number] | undefined>;
export function oneOf<const V extends readonly string[]>(
  values: V,
  o: Described & { default?: V[number]; demandOption?: true },
): OptionKind<V[number] | undefined> {
  return option({ choices: values, ...o }, (value) => value as V[number] | undefined);
}
