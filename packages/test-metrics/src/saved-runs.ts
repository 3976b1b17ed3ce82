import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { readRecords } from '@testgate/stream';
import { type RunSummary, summarizeRun } from './summarize.js';

/** The summaries of saved run streams, files relative to `cwd`. */
export async function summarizeFiles(files: string[], cwd: string): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const file of files)
    runs.push(
      await summarizeRun(readRecords(createReadStream(resolve(cwd, file)), { file }), file),
    );
  return runs;
}
