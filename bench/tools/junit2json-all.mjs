// junit2json over every report of a corpus, each converted and written out as JSON.
import { createWriteStream, readFileSync } from 'node:fs';
import { listReports } from './list-reports.mjs';
import { parse } from 'junit2json';

const [dir, out] = process.argv.slice(2);
const output = createWriteStream(out);
for (const file of listReports(dir)) {
  const json = await parse(readFileSync(file, 'utf8'));
  if (!output.write(`${JSON.stringify(json)}\n`))
    await new Promise((done) => output.once('drain', done));
}
await new Promise((done) => output.end(done));
