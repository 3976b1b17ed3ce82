import type { AttemptOutcome, DiagnosticRecord } from '@testgate/stream';

/** A result element of a testcase: failure, error, skipped, or a Surefire rerun/flaky one. */
export type ResultKind =
  'failure' | 'error' | 'skipped' | 'flakyFailure' | 'flakyError' | 'rerunFailure' | 'rerunError';

export interface ParsedResult {
  kind: ResultKind;
  /** Playwright writes the time of each rerun on its element. */
  duration?: number;
  message?: string;
  errorType?: string;
  details?: string;
  stdout?: string;
  stderr?: string;
}

/** One `<testcase>` element as the report wrote it, before folding. */
export interface ParsedCase {
  name: string;
  classname: string;
  /** Enclosing suite names, outermost first. */
  suites: string[];
  file?: string | undefined;
  line?: number | undefined;
  duration?: number | undefined;
  results: ParsedResult[];
  stdout?: string | undefined;
  stderr?: string | undefined;
  properties?: Record<string, string> | undefined;
  /** Playwright project (the suite's hostname), part of the id for that producer. */
  project?: string | undefined;
  /** The report file, for the attempt's `report` field. */
  report: string;
}

/** The results of a testcase without any: most testcases pass with no result element. */
export const NO_RESULTS: ParsedResult[] = Object.freeze([]) as unknown as ParsedResult[];

/** The name of a runner whose dialect junit-merge knows (see `DIALECTS`). */
export type Producer = string;

/** A diagnostic before the merge stamps it with the tool name. */
export type DiagnosticDraft = Pick<
  DiagnosticRecord,
  'severity' | 'code' | 'message' | 'hint' | 'file' | 'line' | 'column' | 'leg' | 'test'
>;

/** Everything one report file yielded. */
export interface ParsedReport {
  report: string;
  producer: Producer | undefined;
  cases: ParsedCase[];
  diagnostics: DiagnosticDraft[];
  /** False when the file could not be read as JUnit at all. */
  readable: boolean;
  /** What the file is, when it is a known XML file that is no test report (left out). */
  notReport?: string;
  /**
   * Which run of the leg the report is from, 1 for the first: a rerun's reports lie in an
   * `attempt-N` folder (see rerun-layout).
   * @default 1
   */
  attempt?: number;
  /** The report's path with its rerun folder taken out: a rerun's tests join those of the same path. */
  logicalReport?: string;
  /** Earliest suite timestamp in the file, normalised to UTC. */
  earliestTimestamp?: string;
  /** Wall time the report states for itself (root time, else the sum of top-level suites). */
  duration?: number;
}

export const SEVERITY_ORDER: Record<AttemptOutcome, number> = {
  error: 3,
  failed: 2,
  skipped: 1,
  passed: 0,
};
