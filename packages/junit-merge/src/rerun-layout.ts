/**
 * Which run of a leg a report is from. A leg's reports are reruns of each other only when
 * laid out as such; otherwise two reports holding the same test name are two tests (one
 * per Python env, device, spec or config). Two layouts say so:
 *
 * - testgate's: a rerun's reports in a folder `attempt-N` below the leg, at the same
 *   relative path as the first run's (`artifacts/api/junit.xml`, then
 *   `artifacts/api/attempt-2/junit.xml`); the first run may also lie in `attempt-1`.
 * - Bazel's `--flaky_test_attempts`: `test.attempts/attempt_N.xml` beside the final
 *   `test.xml`, which is the last attempt.
 */
export interface ReportRun {
  /** 1 for the first run. */
  attempt: number;
  /** The report's path without its rerun folder: a rerun's tests join those of the same path. */
  logical: string;
}

const ATTEMPT_FOLDER = /(^|\/)attempt-([1-9]\d*)\//;
const BAZEL_ATTEMPT = /(^|\/)test\.attempts\/attempt_([1-9]\d*)\.xml$/;

/** A report path with its `attempt-N/` folder taken out (for grouping reports into legs). */
export function withoutAttemptFolder(path: string): string {
  return path.replace(ATTEMPT_FOLDER, '$1');
}

/** The run of each report path (`/`-separated) of one leg. */
export function reportRuns(paths: readonly string[]): Map<string, ReportRun> {
  const runs = new Map<string, ReportRun>();
  const bazelLast = new Map<string, number>();
  for (const path of paths) {
    const bazel = BAZEL_ATTEMPT.exec(path);
    if (bazel) {
      const logical = `${path.slice(0, bazel.index)}${bazel[1]}test.xml`;
      const attempt = Number(bazel[2]);
      runs.set(path, { attempt, logical });
      bazelLast.set(logical, Math.max(bazelLast.get(logical) ?? 0, attempt));
      continue;
    }
    const folder = ATTEMPT_FOLDER.exec(path);
    runs.set(
      path,
      folder
        ? { attempt: Number(folder[2]), logical: withoutAttemptFolder(path) }
        : { attempt: 1, logical: path },
    );
  }
  // Bazel's test.xml is the final attempt, after those it kept.
  for (const [logical, last] of bazelLast) {
    const final = runs.get(logical);
    if (final && final.attempt === 1) final.attempt = last + 1;
  }
  return runs;
}
