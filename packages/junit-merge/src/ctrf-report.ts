import type { ErrorObject, ValidateFunction } from 'ajv';
import type { CTRFReport, RetryAttempt, Test } from 'ctrf';
import type {
  DiagnosticDraft,
  ParsedCase,
  ParsedReport,
  ParsedResult,
  ResultKind,
} from './model.js';
import { DEFAULT_MAX_TEXT, limitText } from './text-limit.js';

/**
 * Reads a CTRF JSON report (ctrf.io) into the same parsed testcases as a JUnit file.
 * Strict: the document must name `reportFormat: "CTRF"` and a spec version the `ctrf`
 * package's schema covers, and must validate against that schema; anything else is an
 * error that keeps the leg red. The one leniency is the shape the most used reporters
 * still write (jest-ctrf-json-reporter 0.0.11, playwright-ctrf-json-reporter 0.0.29): a
 * `suite` written as one ` > `-joined string and retry attempts without their number. It
 * is read as the spec means it, and said in an info note.
 */
export async function readCtrfReport(
  report: string,
  text: string,
  maxText = DEFAULT_MAX_TEXT,
): Promise<ParsedReport> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return broken(report, {
      code: 'ctrf-unreadable',
      message: `not valid JSON (${(error as Error).message})`,
      line: lineOfJsonError(text, error as Error),
      hint: 'the reporter was cut off or wrote something else into the file; check the leg log',
    });
  }
  const schemas = await ctrfSchemas();
  const refusal = formatRefusal(document, schemas.versions);
  if (refusal) return broken(report, refusal);
  const ctrf = document as CTRFReport;
  const legacy = mendLegacyShape(ctrf);
  const validate = schemas.validator(ctrf.specVersion);
  if (!(validate(document) as boolean)) {
    const errors = validate.errors ?? [];
    const shown = errors.slice(0, 3).map((e) => describeError(ctrf, e));
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    return broken(report, {
      code: 'ctrf-invalid',
      message: `not a valid CTRF ${ctrf.specVersion} document: ${shown.join('; ')}${more}`,
      hint: 'fix or upgrade the reporter; `npx ctrf validate FILE` shows every problem',
    });
  }
  const diagnostics: DiagnosticDraft[] = [];
  if (legacy.length > 0) {
    diagnostics.push({
      severity: 'info',
      code: 'ctrf-legacy-shape',
      file: report,
      message: `${ctrf.generatedBy ?? ctrf.results.tool.name} writes ${legacy.join(' and ')}, which CTRF ${ctrf.specVersion} does not allow: read as the spec means it`,
      hint: 'nothing to do; a newer reporter version may write the spec shape',
    });
  }
  const cases = ctrf.results.tests.map((test) => parsedCase(test, report, maxText));
  const parsed: ParsedReport = { report, producer: 'ctrf', cases, diagnostics, readable: true };
  const { start, stop } = ctrf.results.summary;
  const started = ctrfInstant(start);
  if (started) parsed.earliestTimestamp = started;
  if (stop >= start && start > 0) parsed.duration = (stop - start) / 1000;
  return parsed;
}

/** A CTRF time (milliseconds since the epoch) as a timestamp; 0 and nonsense are none. */
export function ctrfInstant(milliseconds: number): string | undefined {
  const date = new Date(milliseconds);
  return milliseconds > 0 && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** Whether a report's first bytes open a JSON object (after a BOM and blanks): CTRF, not XML. */

export function opensJsonObject(chunk: Uint8Array): boolean {
  let at = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
  while (
    at < chunk.length &&
    (chunk[at] === 0x20 || chunk[at] === 0x09 || chunk[at] === 0x0a || chunk[at] === 0x0d)
  )
    at++;
  return chunk[at] === 0x7b;
}

// `other` is CTRF's catch-all; these raw statuses in it are tests that did not run.
const NOT_RUN = new Set(['todo', 'disabled', 'notrun', 'not run']);

function parsedCase(test: Test, report: string, maxText: number): ParsedCase {
  const limit = (value: string | undefined) =>
    value === undefined || value === '' ? undefined : limitText(value, maxText);
  const testcase: ParsedCase = {
    name: test.name,
    classname: '',
    suites: test.suite ?? [],
    results: [],
    report,
  };
  if (test.filePath !== undefined) testcase.file = test.filePath;
  if (test.line !== undefined) testcase.line = test.line;
  testcase.duration = test.duration / 1000;
  const stdout = limit(test.stdout?.join('\n'));
  const stderr = limit(test.stderr?.join('\n'));
  if (stdout !== undefined) testcase.stdout = stdout;
  if (stderr !== undefined) testcase.stderr = stderr;

  const final = finalResult(test, limit);
  // Earlier attempts come first: before a pass they are flaky ones, before a failure reruns.
  const passed = final === undefined;
  for (const attempt of earlierAttempts(test)) {
    const failing = attempt.status === 'failed' || attempt.status === 'other';
    if (!failing) continue; // a retry follows a failure; a passing earlier attempt hides nothing
    const kind: ResultKind =
      attempt.status === 'failed'
        ? passed
          ? 'flakyFailure'
          : 'rerunFailure'
        : passed
          ? 'flakyError'
          : 'rerunError';
    const result: ParsedResult = { kind };
    const message = limit(attempt.message);
    const details = limit(attempt.trace);
    if (message !== undefined) result.message = message;
    if (details !== undefined) result.details = details;
    if (attempt.duration !== undefined) result.duration = attempt.duration / 1000;
    testcase.results.push(result);
  }
  if (final) testcase.results.push(final);
  return testcase;
}

/** The final attempt's result; undefined for a pass. */
function finalResult(
  test: Test,
  limit: (value: string | undefined) => string | undefined,
): ParsedResult | undefined {
  const message = limit(test.message);
  const details = limit(test.trace);
  const withText = (kind: ResultKind): ParsedResult => ({
    kind,
    ...(message !== undefined && { message }),
    ...(details !== undefined && { details }),
  });
  switch (test.status) {
    case 'passed':
      return undefined;
    case 'failed':
      return withText('failure');
    case 'skipped':
    case 'pending':
      return withText('skipped');
    case 'other':
      if (test.rawStatus !== undefined && NOT_RUN.has(test.rawStatus.toLowerCase()))
        return { kind: 'skipped', message: message ?? `not run (${test.rawStatus})` };
      // An outcome CTRF has no name for is no pass.
      return {
        ...withText('error'),
        message: message ?? `status other (${test.rawStatus ?? 'no raw status'})`,
      };
  }
}

/**
 * The attempts before the final one: `retryAttempts` as written, else as many failed ones
 * as the legacy `retries` count says (or one, for a test marked flaky without either).
 */
function earlierAttempts(
  test: Test,
): Pick<RetryAttempt, 'status' | 'message' | 'trace' | 'duration'>[] {
  if (test.retryAttempts !== undefined) return test.retryAttempts;
  const count = test.retries ?? 0;
  const retried = count > 0 ? count : test.flaky === true && test.status === 'passed' ? 1 : 0;
  return Array.from({ length: retried }, () => ({
    status: 'failed' as const,
    message: 'failed (the report gives only the number of retries, not this attempt)',
  }));
}

/** Why the document is not one junit-merge reads, before the schema is consulted. */
function formatRefusal(
  document: unknown,
  versions: readonly string[],
): Omit<DiagnosticDraft, 'severity' | 'file'> | undefined {
  const object =
    typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  if (object.reportFormat !== 'CTRF') {
    const looksLikeCtrf = typeof object.results === 'object' && object.results !== null;
    return looksLikeCtrf
      ? {
          code: 'ctrf-format-missing',
          message:
            'a test report in JSON without reportFormat "CTRF" and specVersion, so its format cannot be checked',
          hint: 'use a reporter that writes them (vitest-ctrf-json-reporter 0.0.3 does not), or have the runner write JUnit XML',
        }
      : {
          code: 'json-not-ctrf',
          message: 'JSON, but no CTRF document (no reportFormat "CTRF") and no JUnit XML',
          hint: 'pass only test reports: JUnit XML, or CTRF JSON',
        };
  }
  const version = object.specVersion;
  if (typeof version !== 'string' || !versions.includes(version)) {
    return {
      code: 'ctrf-spec-unsupported',
      message: `CTRF spec version ${JSON.stringify(version)}: junit-merge reads ${versions.join(', ')}`,
      hint: 'write the report with a spec version listed, or upgrade testgate if a newer one reads it',
    };
  }
  return undefined;
}

/** Rewrites the known legacy shapes in place; returns what it mended, for the note. */
function mendLegacyShape(ctrf: CTRFReport): string[] {
  const tests: unknown = ctrf.results?.tests;
  if (!Array.isArray(tests)) return [];
  let suites = false;
  let numbers = false;
  for (const test of tests as Record<string, unknown>[]) {
    if (typeof test?.suite === 'string') {
      if (test.suite === '') delete test.suite;
      else test.suite = test.suite.split(' > ');
      suites = true;
    }
    if (!Array.isArray(test?.retryAttempts)) continue;
    (test.retryAttempts as Record<string, unknown>[]).forEach((attempt, index) => {
      if (typeof attempt === 'object' && attempt !== null && attempt.attempt === undefined) {
        attempt.attempt = index + 1;
        numbers = true;
      }
    });
  }
  return [
    ...(suites ? ['each suite as one string'] : []),
    ...(numbers ? ['retry attempts without their number'] : []),
  ];
}

interface CtrfSchemas {
  /** The spec versions the pinned `ctrf` package has a schema for. */
  versions: readonly string[];
  validator(version: string): ValidateFunction;
}

let loaded: Promise<CtrfSchemas> | undefined;

/** The `ctrf` package's schemas, loaded only once a CTRF report is read, each compiled once per thread. */
function ctrfSchemas(): Promise<CtrfSchemas> {
  loaded ??= (async () => {
    const [{ Ajv }, formats, ctrf] = await Promise.all([
      import('ajv'),
      import('ajv-formats'),
      import('ctrf'),
    ]);
    const ajv = new Ajv({ allErrors: true, strict: false });
    formats.default.default(ajv); // a CommonJS module's default export, seen through ESM
    const compiled = new Map<string, ValidateFunction>();
    return {
      versions: ctrf.getSupportedSpecVersions(),
      validator(version) {
        let validate = compiled.get(version);
        if (!validate) compiled.set(version, (validate = ajv.compile(ctrf.getSchema(version))));
        return validate;
      },
    };
  })();
  return loaded;
}

/** One schema error, naming the test it is in. */
function describeError(ctrf: CTRFReport, error: ErrorObject): string {
  const path = error.instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)/g, '[$1]')
    .replaceAll('/', '.');
  const index = /^\/results\/tests\/(\d+)/.exec(error.instancePath)?.[1];
  const name = index === undefined ? undefined : ctrf.results.tests[Number(index)]?.name;
  const where = path === '' ? 'the document' : path;
  return `${where}${name === undefined ? '' : ` (${JSON.stringify(name)})`} ${error.message ?? 'is invalid'}`;
}

/** The line a JSON.parse error points at: its position where Node says it, the end for a cut-off file. */
function lineOfJsonError(text: string, error: Error): number | undefined {
  const at = /position (\d+)/.exec(error.message)?.[1];
  const end = /end of JSON input/.test(error.message) ? text.length : undefined;
  const offset = at === undefined ? end : Number(at);
  if (offset === undefined) return undefined;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function broken(report: string, problem: Omit<DiagnosticDraft, 'severity' | 'file'>): ParsedReport {
  const diagnostic: DiagnosticDraft = { severity: 'error', file: report, ...problem };
  if (diagnostic.line === undefined) delete diagnostic.line;
  return { report, producer: undefined, cases: [], diagnostics: [diagnostic], readable: false };
}
