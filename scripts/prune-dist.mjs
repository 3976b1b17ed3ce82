// Removes build outputs whose source is gone (tsc -b never deletes them), so that a
// renamed or deleted module is not still shipped in a package.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUT = /\.(d\.ts\.map|d\.ts|js\.map|js)$/;

/** Prunes `packages/<name>/dist` against `packages/<name>/src`; returns what it removed. */
export function pruneDist(packageDir) {
  const dist = join(packageDir, 'dist');
  if (!existsSync(dist)) return [];
  const removed = [];
  for (const file of readdirSync(dist, { recursive: true })) {
    const match = OUTPUT.exec(file);
    if (!match) continue;
    const stem = file.slice(0, -match[0].length);
    if (!existsSync(join(packageDir, 'src', `${stem}.ts`))) {
      rmSync(join(dist, file));
      removed.push(join(dist, file));
    }
  }
  return removed;
}
