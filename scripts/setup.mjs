#!/usr/bin/env node
// `npm run setup`: installs the workspace with the pnpm pinned in package.json (through
// npx when that pnpm is not on PATH; corepack is not needed) and builds every package.
// Quick when nothing changed: the install is skipped while the lockfile and manifests
// match the last install, and the build is incremental (tsc -b).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pruneDist } from './prune-dist.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = rootManifest.packageManager; // e.g. pnpm@10.34.8
const stampFile = join(root, 'node_modules/.testgate-install-stamp');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(
      `setup: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
    );
    process.exit(result.status || 2);
  }
}

function installStamp() {
  const hash = createHash('sha256');
  hash.update(pnpmSpec);
  const manifests = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const dir of ['packages', 'bench', 'examples']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    if (existsSync(join(base, 'package.json'))) manifests.push(join(dir, 'package.json'));
    for (const entry of readdirSync(base).sort()) {
      if (existsSync(join(base, entry, 'package.json')))
        manifests.push(join(dir, entry, 'package.json'));
    }
  }
  for (const file of manifests) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

function pnpmCommand() {
  const version = pnpmSpec.split('@')[1];
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === version) return ['pnpm', []];
  return ['npx', ['--yes', pnpmSpec]];
}

const stamp = installStamp();
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
  const [command, prefix] = pnpmCommand();
  run(command, [...prefix, 'install', '--frozen-lockfile', '--config.confirmModulesPurge=false']);
  writeFileSync(stampFile, stamp);
}
// Every package and example with a tsconfig; tsc -b follows their references and skips what is current.
const packages = ['packages', 'examples'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .sort()
    .filter((name) => existsSync(join(root, dir, name, 'tsconfig.json')))
    .map((name) => `${dir}/${name}`),
);
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...packages]);
for (const dir of packages) pruneDist(join(root, dir));
