import { isAbsolute, relative, sep } from 'node:path';
import { type CliIo, InputError, UsageError } from '@testgate/stream';
import type { ExpectedLeg } from '@testgate/stream';
import { groupByLeg } from './legs.js';
import { type LegSources, TOOL } from './merge.js';
import { type ReportSource, bufferedSource, fileSource, skippedSource } from './read-report.js';
import { MissingInputError, findReports } from './report-files.js';

/** Expands the inputs into report sources, grouped into legs. */
export async function findLegs(
  named: readonly string[],
  forcedLeg: string | undefined,
  io: CliIo,
  expect: ExpectedLeg[] | undefined,
): Promise<LegSources[]> {
  const inputs = named.length > 0 ? named : io.stdin.isTTY ? [] : ['-'];
  if (inputs.length === 0 && !expect) {
    throw new UsageError(
      'no input: name report files or globs, or pipe a report into stdin',
      `see ${TOOL} --help`,
    );
  }
  const stdin = inputs.includes('-');
  const found = await findReports(
    inputs.filter((i) => i !== '-'),
    io.cwd,
  ).catch((error: unknown) => {
    if (error instanceof MissingInputError)
      throw new InputError(
        'no such file',
        { file: error.input },
        'check the path, or quote a glob so the shell does not expand it',
      );
    throw error;
  });
  if (found.files.length === 0 && found.skipped.length === 0 && !stdin && !expect) {
    throw new InputError(
      `no report matched ${inputs.map((i) => JSON.stringify(i)).join(', ')}`,
      { file: inputs.join(' ') },
      'check the pattern and that the artifacts were downloaded; pass --expect to record the missing legs instead',
    );
  }
  const display = (path: string): string => {
    const rel = relative(io.cwd, path);
    const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
    return sep === '/' ? shown : shown.split(sep).join('/');
  };
  const skipped = new Map(found.skipped.map((s) => [s.path, s.what]));
  const sorted = [...found.files, ...skipped.keys()].sort();
  const sourceOf = (path: string): ReportSource => {
    const what = skipped.get(path);
    return what === undefined
      ? fileSource(path, display(path))
      : skippedSource(display(path), what);
  };
  // Read at once: its head gives the run's start before any leg is merged.
  const stdinSource = stdin
    ? await bufferedSource('-', io.stdin as AsyncIterable<Uint8Array>)
    : undefined;
  if (forcedLeg !== undefined) {
    const sources = sorted.map(sourceOf);
    if (stdinSource) sources.push(stdinSource);
    return [{ name: forcedLeg, sources }];
  }
  const slashed = (path: string): string => path.split(sep).join('/');
  const byPath = new Map(sorted.map((p) => [slashed(p), p]));
  const legs: LegSources[] = [...groupByLeg([...byPath.keys()], found.roots.map(slashed))].map(
    ([name, paths]) => ({ name, sources: paths.map((p) => sourceOf(byPath.get(p)!)) }),
  );
  if (stdinSource) legs.push({ name: 'stdin', sources: [stdinSource] });
  return legs;
}
