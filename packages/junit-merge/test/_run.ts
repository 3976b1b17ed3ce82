import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TestgateRecord, validateRecord } from '@testgate/stream';
import { main } from '../src/cli.js';
import { memoryIo } from '../../../test-support/memory-io.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs junit-merge in-process from the repository root with a pinned environment. */
export async function merge(
  argv: string[],
  options: { stdin?: string | Buffer; env?: Record<string, string>; cwd?: string } = {},
) {
  const mem = memoryIo({ cwd: repoRoot, ...options });
  const code = await main(argv, mem.io);
  return { code, stdout: mem.stdout(), stderr: mem.stderr() };
}

/** Parses a stream and checks every record against the schema the next stage reads. */
export function records(stdout: string): TestgateRecord[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const result = validateRecord(JSON.parse(line));
      if (!result.ok) throw new Error(`invalid record ${line.slice(0, 200)}: ${result.problem}`);
      return result.record;
    });
}

export function fixture(path: string): string {
  return readFileSync(join(repoRoot, 'fixtures', path), 'utf8');
}
