// The floor: a bare saxes scan of every report that only counts testcases.
import { readFileSync } from 'node:fs';
import { listReports } from './list-reports.mjs';
import { SaxesParser } from 'saxes';

let testcases = 0;
for (const file of listReports(process.argv[2])) {
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    if (tag.name === 'testcase') testcases++;
  });
  parser.write(readFileSync(file, 'utf8')).close();
}
console.error(`saxes: ${testcases} testcases`);
