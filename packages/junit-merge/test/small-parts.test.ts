import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError, parseExpectedLegs, readExpectedLegs } from '@testgate/stream';
import { groupByLeg } from '../src/legs.js';
import { runFromEnvironment, runRecord } from '../src/run-metadata.js';
import { normaliseTimestamp } from '../src/timestamp.js';
import { repoRoot } from './_run.js';

describe('groupByLeg', () => {
  it('uses the first folder below the deepest common folder (download-artifact layout)', () => {
    const legs = groupByLeg([
      '/w/artifacts/api-22/junit.xml',
      '/w/artifacts/api-22/rerun/junit.xml',
      '/w/artifacts/worker-24/a/b.xml',
    ]);
    expect([...legs]).toEqual([
      ['api-22', ['/w/artifacts/api-22/junit.xml', '/w/artifacts/api-22/rerun/junit.xml']],
      ['worker-24', ['/w/artifacts/worker-24/a/b.xml']],
    ]);
  });

  it('names a file directly in that folder after itself', () => {
    expect([...groupByLeg(['/w/r/unit.xml', '/w/r/e2e/junit.xml']).keys()]).toEqual([
      'unit',
      'e2e',
    ]);
    expect([...groupByLeg(['/tmp/only.junit.xml']).keys()]).toEqual(['only.junit']);
  });
});

describe('parseExpectedLegs', () => {
  it('reads names and objects with matrix values', () => {
    expect(parseExpectedLegs('["a", {"name": "b", "node": 22, "service": "api"}]', 'x')).toEqual([
      { name: 'a' },
      { name: 'b', matrix: { node: 22, service: 'api' } },
    ]);
  });

  it.each([
    ['{"a":1}', '--expect x: must be a JSON array, got: "{\\"a\\":1}"'],
    ['[1]', '--expect x: entry 0 must be a leg name or an object with "name", got: "1"'],
    ['[{"node": 22}]', '--expect x: entry 0 needs a non-empty "name"'],
    ['["a","a"]', '--expect x: leg "a" is listed twice'],
    [
      '[{"name":"a","m":[1]}]',
      '--expect x: entry 0 ("a"): matrix value "m" must be a string, number or boolean',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseExpectedLegs(text, 'x')).toThrow(UsageError);
    expect(() => parseExpectedLegs(text, 'x')).toThrow(message);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseExpectedLegs('[a', 'legs.json')).toThrow(/^--expect legs.json: not JSON/);
  });

  it('takes --expect more than once, a leg in only one of them, and "planned" seconds on an entry', async () => {
    const legs = await readExpectedLegs(
      ['[{"name": "unit-1", "planned": 12.5}]', '["integration"]'],
      '/',
    );
    expect(legs).toEqual([{ name: 'unit-1', planned: 12.5 }, { name: 'integration' }]);
    await expect(readExpectedLegs(['["a"]', '["b", "a"]'], '/')).rejects.toThrow(
      '--expect (inline): leg "a" is also in --expect (inline)',
    );
    expect(() => parseExpectedLegs('[{"name": "a", "planned": "soon"}]', 'x')).toThrow(
      '"planned" must be seconds, a number from 0',
    );
  });

  it("reads a shard plan's shards as legs, with the shard number and the planned seconds", () => {
    const plan = {
      version: 1,
      runner: 'pytest',
      shards: [
        { name: 'unit-1', index: 1, planned: 81.2, args: ['a.py'] },
        { name: 'unit-2', index: 2, planned: 79.9, args: ['b.py'] },
      ],
    };
    expect(parseExpectedLegs(JSON.stringify(plan), 'plan.json')).toEqual([
      { name: 'unit-1', matrix: { shard: 1 }, planned: 81.2 },
      { name: 'unit-2', matrix: { shard: 2 }, planned: 79.9 },
    ]);
    expect(() => parseExpectedLegs(JSON.stringify({ ...plan, version: 2 }), 'plan.json')).toThrow(
      '--expect plan.json: a shard plan of version 2, not 1',
    );
    const unnumbered = { ...plan, shards: [{ name: 'unit-1', planned: 1 }] };
    expect(() => parseExpectedLegs(JSON.stringify(unnumbered), 'plan.json')).toThrow(
      '--expect plan.json: shard 1 of the plan needs its "name" and "index" 1',
    );
    // A plan made with no timing plans no time.
    const cold = { ...plan, shards: [{ name: 'unit-1', index: 1, args: ['a.py'] }] };
    expect(parseExpectedLegs(JSON.stringify(cold), 'plan.json')).toEqual([
      { name: 'unit-1', matrix: { shard: 1 } },
    ]);
  });
});

describe('run metadata', () => {
  it('reads GitHub Actions, preferring the head branch of a pull request', () => {
    expect(
      runFromEnvironment({
        GITHUB_ACTIONS: 'true',
        GITHUB_SHA: 'abc',
        GITHUB_REF_NAME: '12/merge',
        GITHUB_HEAD_REF: 'feature',
        GITHUB_RUN_ID: '99',
        GITHUB_RUN_ATTEMPT: '2',
      }),
    ).toEqual({
      ci: 'github',
      commit: 'abc',
      branch: 'feature',
      runId: '99',
      attempt: 2,
    });
  });

  it('reads GitLab CI and Buildkite', () => {
    expect(
      runFromEnvironment({
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: 's',
        CI_COMMIT_REF_NAME: 'main',
        CI_PIPELINE_ID: '7',
      }),
    ).toEqual({ ci: 'gitlab', commit: 's', branch: 'main', runId: '7' });
    expect(
      runFromEnvironment({
        BUILDKITE: 'true',
        BUILDKITE_COMMIT: 's',
        BUILDKITE_BRANCH: 'b',
        BUILDKITE_BUILD_ID: 'id',
        BUILDKITE_RETRY_COUNT: '1',
      }),
    ).toMatchObject({ ci: 'buildkite', attempt: 2 });
  });

  it('records the branch a pull or merge request targets, and none on a push', () => {
    const base = (env: Record<string, string>) => runRecord('junit-merge', {}, env).baseBranch;
    expect(base({ GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: 'f', GITHUB_BASE_REF: 'main' })).toBe(
      'main',
    );
    // A push event sets the variable empty.
    expect(base({ GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_BASE_REF: '' })).toBe(
      undefined,
    );
    expect(
      base({
        GITLAB_CI: 'true',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'f',
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop',
      }),
    ).toBe('develop');
    expect(
      base({
        BUILDKITE: 'true',
        BUILDKITE_PULL_REQUEST: '12',
        BUILDKITE_PULL_REQUEST_BASE_BRANCH: 'main',
      }),
    ).toBe('main');
    expect(
      base({
        BUILDKITE: 'true',
        BUILDKITE_PULL_REQUEST: 'false',
        BUILDKITE_PULL_REQUEST_BASE_BRANCH: 'main',
      }),
    ).toBe(undefined);
  });

  it('lets flags win over the environment and drops what nobody knows', () => {
    const run = runRecord(
      'junit-merge',
      { commit: 'flag', startedAt: '2026-01-01T00:00:00.000Z' },
      { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'env', GITHUB_RUN_ATTEMPT: 'x' },
    );
    expect(run).toEqual({
      type: 'run',
      version: 1,
      tool: 'junit-merge',
      commit: 'flag',
      ci: 'github',
      startedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});

describe('normaliseTimestamp', () => {
  it.each([
    ['2026-03-01T10:00:00', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01 10:00:00', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T10:00:00.123456+02:00', '2026-03-01T08:00:00.123Z'],
    ['2026-03-01T10:00:00-0130', '2026-03-01T11:30:00.000Z'],
    ['1970-01-01T00:00:00', '1970-01-01T00:00:00.000Z'],
  ])('%s is %s', (raw, iso) => {
    expect(normaliseTimestamp(raw)).toBe(iso);
  });

  it.each(['yesterday', '2026-13-01', '2026-02-01T25:00:00', ''])('rejects %j', (raw) => {
    expect(normaliseTimestamp(raw)).toBeUndefined();
  });
});

describe('objectArray', () => {
  it('is empty and holds objects before its first push, where `[]` holds small integers', () => {
    // V8's own view of the arrays' elements, through the built module.
    const module = pathToFileURL(join(repoRoot, 'packages/junit-merge/dist/object-array.js'));
    const script = `import { objectArray } from '${module.href}';
      const array = objectArray();
      console.log(array.length, %HasObjectElements(array), %HasSmiElements(array), %HasSmiElements([]));`;
    const out = execFileSync(process.execPath, [
      '--allow-natives-syntax',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(out.toString().trim()).toBe('0 true false true');
  });
});
