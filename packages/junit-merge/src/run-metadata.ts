import type { RunRecord } from '@testgate/stream';

/** What identifies the run; every field optional, flags win over the CI's environment. */
export interface RunMetadata {
  commit?: string | undefined;
  branch?: string | undefined;
  /** The branch a pull or merge request targets: read only from the CI's environment. */
  baseBranch?: string | undefined;
  ci?: string | undefined;
  runId?: string | undefined;
  attempt?: number | undefined;
  startedAt?: string | undefined;
}

type Env = Record<string, string | undefined>;

/** Reads the run's identity from the variables GitHub Actions, GitLab CI, Buildkite and CircleCI set. */
export function runFromEnvironment(env: Env): RunMetadata {
  if (env.GITHUB_ACTIONS === 'true') {
    return {
      ci: 'github',
      commit: env.GITHUB_SHA,
      // On pull requests GITHUB_REF_NAME is "123/merge"; the head branch is what people know.
      branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME,
      baseBranch: env.GITHUB_BASE_REF,
      runId: env.GITHUB_RUN_ID,
      attempt: positiveInt(env.GITHUB_RUN_ATTEMPT),
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      ci: 'gitlab',
      commit: env.CI_COMMIT_SHA,
      branch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME,
      baseBranch: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
      runId: env.CI_PIPELINE_ID,
    };
  }
  if (env.BUILDKITE === 'true') {
    const retries = positiveInt(
      env.BUILDKITE_RETRY_COUNT === undefined
        ? undefined
        : String(Number(env.BUILDKITE_RETRY_COUNT) + 1),
    );
    return {
      ci: 'buildkite',
      commit: env.BUILDKITE_COMMIT,
      branch: env.BUILDKITE_BRANCH,
      // "false" outside a pull request, on older agents.
      baseBranch:
        env.BUILDKITE_PULL_REQUEST === 'false' ? undefined : env.BUILDKITE_PULL_REQUEST_BASE_BRANCH,
      runId: env.BUILDKITE_BUILD_ID,
      attempt: retries,
    };
  }
  if (env.CIRCLECI === 'true') {
    return {
      ci: 'circleci',
      commit: env.CIRCLE_SHA1,
      branch: env.CIRCLE_BRANCH,
      runId: env.CIRCLE_WORKFLOW_ID,
    };
  }
  return { ci: env.CI ? 'other' : 'local' };
}

/** The stream's first record: flags over environment, and `startedAt` as given. */
export function runRecord(tool: string, flags: RunMetadata, env: Env): RunRecord {
  const fromEnv = runFromEnvironment(env);
  const pick = <K extends keyof RunMetadata>(key: K): RunMetadata[K] =>
    flags[key] !== undefined && flags[key] !== '' ? flags[key] : fromEnv[key] || undefined;
  const record: RunRecord = { type: 'run', version: 1, tool };
  for (const key of [
    'commit',
    'branch',
    'baseBranch',
    'ci',
    'runId',
    'attempt',
    'startedAt',
  ] as const) {
    const value = pick(key);
    if (value !== undefined) record[key] = value as never;
  }
  return record;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 ? n : undefined;
}
