import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

// Each tool's README shows its --help verbatim; this fails when one drifts from the other.
describe.each(['junit-merge', 'flake-detect', 'quarantine-filter', 'gate-verdict', 'test-metrics'])(
  '%s README',
  (tool) => {
    it('shows the current --help', () => {
      const help = spawnSync(process.execPath, [join(root, 'packages', tool, 'bin.js'), '--help'], {
        encoding: 'utf8',
      }).stdout.trimEnd();
      expect(help.length).toBeGreaterThan(200);
      expect(readFileSync(join(root, 'packages', tool, 'README.md'), 'utf8')).toContain(
        `\`\`\`text\n${help}\n\`\`\``,
      );
    });
  },
);
