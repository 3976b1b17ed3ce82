import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
};

/** Every published package, by its folder under packages/. */
export const PACKAGES = [
  'stream',
  'junit-merge',
  'flake-detect',
  'quarantine-filter',
  'gate-verdict',
  'test-metrics',
  'shard-plan',
  'testgate',
];

/** Packs every package with the pinned pnpm into `dest`, as `pnpm publish` would. */
export function packPackages(dest: string): void {
  for (const name of PACKAGES) {
    const packed = spawnSync('npx', ['--yes', packageManager, 'pack', '--pack-destination', dest], {
      cwd: join(root, 'packages', name),
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(packed.status, packed.stderr).toBe(0);
  }
  expect(readdirSync(dest).filter((f) => f.endsWith('.tgz'))).toHaveLength(PACKAGES.length);
}
