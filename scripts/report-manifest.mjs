#!/usr/bin/env node
// What the reference workflows hand from the read-only test run to the privileged report
// run: a folder of reports and a manifest naming the run, its attempt and the head commit
// they are for, with a SHA-256 per file.
//
//   report-manifest.mjs write  DIR --run ID --attempt N --sha SHA
//   report-manifest.mjs verify DIR --run ID --attempt N --sha SHA
//
// verify refuses (exit 1, one line per problem) a folder made for another run, attempt or
// head, or whose files were changed, added or removed since: stale artifacts of an earlier
// attempt never stand for this one.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const MANIFEST = 'testgate-manifest.json';

/** Every regular file below `dir`, as sorted paths relative to it, the manifest left out. */
function filesBelow(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((path) => path !== MANIFEST)
    .sort();
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The manifest of `dir` for the given run, attempt and head commit. */
export function manifestOf(dir, { run, attempt, sha }) {
  return {
    run,
    attempt,
    sha,
    files: Object.fromEntries(filesBelow(dir).map((path) => [path, sha256(join(dir, path))])),
  };
}

/** What is wrong with `dir` against its manifest and the expected run: [] when nothing. */
export function problemsOf(dir, expected) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch (error) {
    return [`${join(dir, MANIFEST)}: cannot read the manifest (${error.code ?? error.message})`];
  }
  const problems = [];
  for (const key of ['run', 'attempt', 'sha'])
    if (String(manifest[key]) !== String(expected[key]))
      problems.push(
        `the manifest is for ${key} ${JSON.stringify(manifest[key])}, this report is for ${JSON.stringify(expected[key])}`,
      );
  const listed = manifest.files ?? {};
  const present = new Set(filesBelow(dir));
  for (const [path, hash] of Object.entries(listed)) {
    if (!present.has(path)) problems.push(`${path}: listed in the manifest, missing`);
    else if (sha256(join(dir, path)) !== hash) problems.push(`${path}: changed since the manifest`);
  }
  for (const path of present) if (!(path in listed)) problems.push(`${path}: not in the manifest`);
  return problems;
}

function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { run: { type: 'string' }, attempt: { type: 'string' }, sha: { type: 'string' } },
  });
  const [command, dir] = positionals;
  const expected = { run: values.run, attempt: values.attempt, sha: values.sha };
  if (!['write', 'verify'].includes(command) || !dir || Object.values(expected).some((v) => !v)) {
    console.error('usage: report-manifest.mjs write|verify DIR --run ID --attempt N --sha SHA');
    return 2;
  }
  if (command === 'write') {
    const manifest = manifestOf(dir, expected);
    writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    console.error(
      `report-manifest: ${Object.keys(manifest.files).length} files for run ${expected.run} attempt ${expected.attempt} at ${expected.sha}`,
    );
    return 0;
  }
  const problems = problemsOf(dir, expected);
  for (const problem of problems) console.error(`report-manifest: refused: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
