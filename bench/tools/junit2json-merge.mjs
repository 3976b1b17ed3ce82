// junit2json used to merge: every report parsed, its suites gathered into one document,
// written as one JSON file (the workload of junit-merge: many reports in, one out).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'junit2json';
import { listReports } from './list-reports.mjs';

const [dir, out] = process.argv.slice(2);
const merged = { testsuites: [] };
for (const file of listReports(dir)) {
  const report = await parse(readFileSync(file, 'utf8'));
  merged.testsuites.push(...(report.testsuite ?? [report]));
}
writeFileSync(out, JSON.stringify(merged));
