#!/usr/bin/env node
// Runs junit-merge and an independent reader (scripts/second-opinion.mjs) over every .xml
// file below DIR and prints each disagreement: a test one of them lacks, a failure
// junit-merge would hide, or another outcome for a plain run. Exit 1 when there is one.
// Usage: node scripts/corpus-check.mjs DIR   (after npm run setup)
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileSource, mergeRun, streamRecords } from '@testgate/junit-merge';
import { disagreements, secondOpinion } from './second-opinion.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/corpus-check.mjs DIR');
  process.exit(2);
}

const files = readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.xml'))
  .sort();
let disagreeing = 0;
for (const file of files) {
  const path = join(dir, file);
  const shown = relative(process.cwd(), path);
  let opinion;
  try {
    opinion = await secondOpinion(readFileSync(path, 'utf8'));
  } catch (error) {
    opinion = undefined;
    var unparsable = String(error.message ?? error).split('\n')[0];
  }
  const records = [];
  const codes = [];
  const merged = mergeRun([{ name: 'leg', sources: [fileSource(path, shown)] }], { env: {} });
  for await (const record of streamRecords(merged)) {
    if (record.type === 'test') records.push(record);
    if (record.type === 'diagnostic' && record.severity === 'error') codes.push(record.code);
  }
  if (!opinion) {
    // Unparsable for the second opinion: junit-merge must say it is broken too.
    const line =
      codes.length > 0
        ? `both reject it (${codes.join(', ')})`
        : `DISAGREE: junit2json rejects it (${unparsable}), junit-merge reads it`;
    console.log(`${shown}: ${line}`);
    if (codes.length === 0) disagreeing++;
    continue;
  }
  const found = disagreements(records, opinion);
  if (found.length === 0) {
    console.log(
      `${shown}: agree (${records.length} tests${codes.length ? `; error diagnostics: ${codes.join(', ')}` : ''})`,
    );
  } else {
    disagreeing++;
    for (const line of found) console.log(`${shown}: DISAGREE ${line}`);
  }
}
console.log(`${files.length} files, ${disagreeing} with disagreements`);
process.exitCode = disagreeing > 0 ? 1 : 0;
