import { oneLine, sanitizeForTerminal } from './terminal.js';
/** Exit codes shared by every testgate tool. */
export const ExitCode = {
  /** Success, or the gate is green. */
  ok: 0,
  /** The gate is red, or a check mode found something. */
  red: 1,
  /** Usage error or unusable input (a bug exits 2 too). */
  unusable: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a problem is: a file (or `-`) and, when known, a line and column. */
export interface Place {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
}

export function formatPlace(place: Place): string {
  let text = place.file;
  if (place.line !== undefined) text += `:${place.line}`;
  if (place.line !== undefined && place.column !== undefined) text += `:${place.column}`;
  return text;
}

/**
 * An expected failure that ends a tool with `code`: its message is printed as one line
 * (`<tool>: <where>: <what>`), then an optional `hint:` line, and no stack trace.
 */
export class ExitError extends Error {
  readonly code: ExitCode;
  readonly place: Place | undefined;
  readonly hint: string | undefined;

  constructor(
    code: ExitCode,
    message: string,
    options: { place?: Place | undefined; hint?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'ExitError';
    this.code = code;
    this.place = options.place;
    this.hint = options.hint;
  }
}

/** Bad arguments: exit 2. */
export class UsageError extends ExitError {
  constructor(message: string, hint?: string) {
    super(ExitCode.unusable, message, { hint });
    this.name = 'UsageError';
  }
}

/** Input that cannot be used (a stream that does not validate, a cut stream): exit 2. */
export class InputError extends ExitError {
  constructor(message: string, place: Place, hint?: string) {
    super(ExitCode.unusable, message, { place, hint });
    this.name = 'InputError';
  }
}

/**
 * A value a library function refuses, said without naming where it came from (a flag, a
 * file, a field of a request): `field` must be `expected`, `got` what it was. A CLI
 * words it for its flag with `usageFor`.
 */
export class ValueError extends Error {
  readonly field: string;
  readonly expected: string;
  readonly got: string | undefined;
  readonly hint: string | undefined;

  constructor(field: string, expected: string, got?: string, hint?: string) {
    super(`${field} must be ${expected}${got === undefined ? '' : `, got: ${echo(got)}`}`);
    this.name = 'ValueError';
    this.field = field;
    this.expected = expected;
    this.got = got;
    this.hint = hint;
  }
}

/** A ValueError as the usage error of the flag (and its value) it came from; others as they are. */
export function usageFor(source: string, error: unknown): unknown {
  return error instanceof ValueError
    ? new UsageError(`${source}${error.message}`, error.hint)
    : error;
}

const ECHO_LIMIT = 200;

/** Shortens echoed input so that one bad value cannot flood a terminal or a log. */
export function echo(value: string): string {
  const flat = JSON.stringify(value);
  return flat.length <= ECHO_LIMIT ? flat : `${flat.slice(0, ECHO_LIMIT)}…`;
}

/** The one error format: `tool: where: what`, then `hint: …` on its own line. */
export function formatError(tool: string, error: ExitError): string {
  const where = error.place ? `${formatPlace(error.place)}: ` : '';
  const hint = error.hint ? `\nhint: ${error.hint}` : '';
  // The place names a file from the input: it never starts a line of its own.
  return sanitizeForTerminal(`${tool}: ${oneLine(where)}${error.message}${hint}`);
}
