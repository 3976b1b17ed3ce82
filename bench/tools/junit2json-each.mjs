// junit2json converting report by report, each written out at once: not a merge (nothing
// is combined), shown beside the others as the cost of the parsing alone.
import { createWriteStream, readFileSync } from 'node:fs';
import { parse } from 'junit2json';
import { listReports } from './list-reports.mjs';

const [dir, out] = process.argv.slice(2);
const output = createWriteStream(out);
for (const file of listReports(dir)) {
  const json = await parse(readFileSync(file, 'utf8'));
  if (!output.write(`${JSON.stringify(json)}\n`))
    await new Promise((done) => output.once('drain', done));
}
await new Promise((done) => output.end(done));
