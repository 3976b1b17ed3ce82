// The scanner junit-merge reads with, alone: counts testcases, like the saxes scan beside it.
import { readFileSync } from 'node:fs';
import { XmlScanner } from '../../packages/junit-merge/dist/xml-scanner.js';
import { listReports } from './list-reports.mjs';

let testcases = 0;
const events = {
  open: (name) => {
    if (name === 'testcase') testcases++;
  },
  close() {},
  text() {},
  strayText() {},
  comment() {},
  doctype() {},
  error: (_kind, message) => {
    throw new Error(message);
  },
};
for (const file of listReports(process.argv[2])) {
  const scanner = new XmlScanner(events);
  scanner.wantText = false;
  scanner.write(readFileSync(file, 'utf8'));
  scanner.end();
}
console.error(`scanner: ${testcases} testcases`);
