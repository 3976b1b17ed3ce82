import type { ErrorObject } from 'ajv';
import * as generated from './generated/validators.js';
import type { TestgateRecord } from './generated/types.js';

/** The schema version this package reads and writes. */
export const STREAM_VERSION = 1;

interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validateRecordFn = generated.validateRecord as CompiledValidator;

/** A document check from a compiled validator: ok, or the problem naming the field at fault. */
function documentCheck(
  validator: CompiledValidator,
): (value: unknown) => { ok: true } | { ok: false; problem: string } {
  return (value) =>
    validator(value)
      ? { ok: true }
      : { ok: false, problem: describeErrors(validator.errors ?? []) };
}

/** Checks one line of flake-detect's history. */
export const validateHistoryEntry = documentCheck(generated.validateHistory as CompiledValidator);

/** Checks one line of flake-detect's history state. */
export const validateHistoryStateLine = documentCheck(
  generated.validateHistoryState as CompiledValidator,
);

/** Checks a quarantine ledger; the problem names the entry and field at fault. */
export const validateQuarantineLedger = documentCheck(
  generated.validateQuarantine as CompiledValidator,
);

/** Checks a verdict document (gate-verdict --json) against its schema. */
export const validateVerdict = documentCheck(generated.validateVerdict as CompiledValidator);

export type Validation = { ok: true; record: TestgateRecord } | { ok: false; problem: string };

/** Validates one record against the stream schemas; the problem names the field at fault. */
export function validateRecord(value: unknown): Validation {
  if (validateRecordFn(value)) return { ok: true, record: value as TestgateRecord };
  return { ok: false, problem: describeErrors(validateRecordFn.errors ?? []) };
}

function describeErrors(errors: ErrorObject[]): string {
  const first = errors[0];
  if (!first) return 'does not match the stream schema';
  const at = first.instancePath ? `${first.instancePath.slice(1).replaceAll('/', '.')} ` : '';
  const params = first.params as Record<string, unknown>;
  let what = first.message ?? 'is invalid';
  if (first.keyword === 'enum') what += ` (${(params.allowedValues as unknown[]).join(', ')})`;
  if (
    first.instancePath === '/type' ||
    (first.keyword === 'discriminator' && params.tag === 'type')
  ) {
    return 'has an unknown or missing "type" (expected run, leg, test, diagnostic or end)';
  }
  return `${at}${what}`.trim();
}
