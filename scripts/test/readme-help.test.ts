import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACKAGES } from './_packages.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

// Each tool's README shows its --help verbatim; this fails when one drifts from the other.
// Every package but the shared library and the all-in-one is a tool with a CLI.
describe.each(PACKAGES.filter((p) => p !== 'stream' && p !== 'testgate'))('%s README', (tool) => {
  it('shows the current --help', () => {
    const help = spawnSync(process.execPath, [join(root, 'packages', tool, 'bin.js'), '--help'], {
      encoding: 'utf8',
    }).stdout.trimEnd();
    expect(help.length).toBeGreaterThan(200);
    expect(readFileSync(join(root, 'packages', tool, 'README.md'), 'utf8')).toContain(
      `\`\`\`text\n${help}\n\`\`\``,
    );
  });
});
