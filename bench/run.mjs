#!/usr/bin/env node
// `npm run bench`: junit-merge against the anchors (junit2json, junit-report-merger, the
// npm junit-merge) and a bare saxes scan, each run as a child of this process on the same
// generated corpus, one after the other. Prints wall time, peak RSS and the ratios.
// With --runs N, every tool runs N times, in turn with the others (so that a slow spell
// of the machine falls on all of them), and the medians are compared.
// Usage: node bench/run.mjs [--sizes 100k,1M] [--skip name,...] [--runs N]
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus } from './generate-corpus.mjs';
import { measure, median, option } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const SIZES = {
  '100k': { files: 100, casesPerFile: 1000 },
  '1M': { files: 1000, casesPerFile: 1000 },
};

const sizes = option('--sizes', '100k,1M').split(',');
const skip = new Set(option('--skip', '').split(',').filter(Boolean));
const runs = Number(option('--runs', '1'));
if (!(runs >= 1)) throw new Error(`--runs must be a number of 1 or more`);

const tools = [
  {
    name: 'testgate junit-merge',
    ours: true,
    cmd: (c, o) => [join(root, 'packages/junit-merge/bin.js'), `${c}/**/*.xml`, '-q', '-o', o],
  },
  { name: 'junit2json (merge)', cmd: (c, o) => [join(here, 'tools/junit2json-merge.mjs'), c, o] },
  {
    name: 'junit-merge (npm)',
    cmd: (c, o) => [join(here, 'node_modules/junit-merge/bin/junit-merge'), '-d', c, '-r', '-o', o],
  },
  {
    name: 'junit-report-merger',
    cmd: (c, o) => [join(here, 'node_modules/junit-report-merger/cli.js'), o, `${c}/**/*.xml`],
  },
  {
    name: 'junit2json (each file)',
    reference: true,
    cmd: (c, o) => [join(here, 'tools/junit2json-each.mjs'), c, o],
  },
  {
    name: 'saxes scan (floor)',
    reference: true,
    cmd: (c) => [join(here, 'tools/saxes-scan.mjs'), c],
  },
  {
    name: 'XmlScanner scan (floor)',
    reference: true,
    cmd: (c) => [join(here, 'tools/scanner-scan.mjs'), c],
  },
];

const fmt = (n, digits = 1) => n.toFixed(digits).padStart(8);

/** The test records of a stream file. */
async function testRecords(path) {
  let count = 0;
  for await (const line of createInterface({ input: createReadStream(path) }))
    if (line.startsWith('{"type":"test"')) count++;
  return count;
}
const report = [];
for (const size of sizes) {
  const shape = SIZES[size];
  if (!shape) throw new Error(`unknown size ${size} (expected ${Object.keys(SIZES).join(', ')})`);
  const corpus = join(here, 'corpus', size);
  // Named after the corpus's shape: a corpus of an earlier shape is made anew.
  const stamp = join(corpus, '.complete-repeated-titles');
  if (!existsSync(stamp)) {
    rmSync(corpus, { recursive: true, force: true });
    const bytes = generateCorpus(corpus, shape);
    writeFileSync(stamp, String(bytes));
  }
  const mb = Number(readFileSync(stamp, 'utf8')) / 1e6;
  const cases = shape.files * shape.casesPerFile;
  console.log(
    `\n${size}: ${shape.files} files, ${cases.toLocaleString('en')} test cases, ${mb.toFixed(0)} MB (Node ${process.version})`,
  );
  console.log(`${'tool'.padEnd(24)}${'wall s'.padStart(8)}${'peak MB'.padStart(9)}`);
  const chosen = tools.filter((tool) => !skip.has(tool.name));
  const samples = new Map(chosen.map((tool) => [tool, []]));
  for (let run = 1; run <= runs; run++) {
    for (const tool of chosen) {
      const out = join(here, 'results', `${size}-${tool.name.replace(/\W+/g, '-')}.out`);
      mkdirSync(dirname(out), { recursive: true });
      const result = await measure(tool.cmd(corpus, out));
      // Every testcase of the corpus is a test of its own, titles repeated across files
      // included: a merge that folded namesakes would write fewer records.
      if (tool.ours) {
        const records = await testRecords(out);
        if (records !== cases)
          throw new Error(`${tool.name} wrote ${records} test records for ${cases} distinct tests`);
      }
      if (existsSync(out)) rmSync(out);
      samples.get(tool).push(result);
      const label = runs > 1 ? `${tool.name} (${run}/${runs})` : tool.name;
      console.log(`${label.padEnd(30)}${fmt(result.seconds, 2)} ${fmt(result.peakMb, 0)}`);
    }
  }
  const results = chosen.map((tool) => {
    const own = samples.get(tool);
    return {
      ...tool,
      seconds: median(own.map((r) => r.seconds)),
      peakMb: median(own.map((r) => r.peakMb)),
      runs: own,
    };
  });
  if (runs > 1) {
    console.log(`medians of ${runs} runs:`);
    for (const r of results)
      console.log(`${r.name.padEnd(24)}${fmt(r.seconds, 2)} ${fmt(r.peakMb, 0)}`);
  }
  const ours = results.find((r) => r.ours);
  const anchors = results.filter((r) => !r.ours && !r.reference);
  if (ours && anchors.length > 0) {
    const fastest = anchors.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    console.log(`ratios against testgate junit-merge (higher is better for testgate):`);
    for (const a of results.filter((r) => !r.ours)) {
      console.log(
        `  ${a.name.padEnd(22)} ${(a.seconds / ours.seconds).toFixed(2)}x the time, ${(a.peakMb / ours.peakMb).toFixed(2)}x the memory`,
      );
    }
    console.log(
      `  target: >= 4x faster than the fastest anchor (${fastest.name}) with <= 0.5x its memory: ` +
        `${(fastest.seconds / ours.seconds).toFixed(2)}x faster, ${(ours.peakMb / fastest.peakMb).toFixed(2)}x its memory`,
    );
    if (runs > 1) {
      const each = ours.runs.map((r, n) => fastest.runs[n].seconds / r.seconds);
      const memory = ours.runs.map((r, n) => r.peakMb / fastest.runs[n].peakMb);
      console.log(
        `  run by run: ${each.map((x) => `${x.toFixed(2)}x`).join(', ')} faster; ` +
          `${Math.max(...memory).toFixed(2)}x its memory at most`,
      );
    }
    report.push({
      size,
      cases,
      mb,
      runs,
      results: results.map(({ name, seconds, peakMb, runs: each }) => ({
        name,
        seconds,
        peakMb,
        runs: each.map(({ seconds: s, peakMb: m }) => ({ seconds: s, peakMb: m })),
      })),
    });
  }
}
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
