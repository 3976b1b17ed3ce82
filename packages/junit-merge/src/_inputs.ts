import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { type CliIo, InputError, UsageError } from '@testgate/stream';
import type { ExpectedLeg } from '@testgate/stream';
import { groupByLeg } from './legs.js';
import { type LegSources, TOOL } from './merge.js';
import { type ReportSource, fileSource } from './read-report.js';

// tinyglobby rather than globby: a run's glob costs 40 ms instead of 150-180 (loading
// included), about 4% of a million-testcase merge.
const GLOB_OPTIONS = { absolute: true, onlyFiles: true, dot: true };

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
  const files = new Set<string>();
  const roots: string[] = [];
  let stdin = false;
  for (const input of inputs) {
    if (input === '-') {
      stdin = true;
    } else if (isDynamicPattern(input)) {
      roots.push(resolve(io.cwd, staticBase(input)));
      const matches = await glob(input, { ...GLOB_OPTIONS, cwd: io.cwd });
      for (const match of matches) files.add(match);
    } else {
      const path = resolve(io.cwd, input);
      const info = await stat(path).catch(() => undefined);
      if (!info)
        throw new InputError(
          'no such file',
          { file: input },
          'check the path, or quote a glob so the shell does not expand it',
        );
      if (info.isDirectory()) {
        roots.push(path);
        const matches = await glob('**/*.xml', { ...GLOB_OPTIONS, cwd: path });
        for (const match of matches) files.add(match);
      } else files.add(path);
    }
  }
  if (files.size === 0 && !stdin && !expect) {
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
  const sorted = [...files].sort();
  const stdinSource: ReportSource = {
    path: '-',
    read: () => io.stdin as AsyncIterable<Uint8Array>,
  };
  if (forcedLeg !== undefined) {
    const sources = sorted.map((f) => fileSource(f, display(f)));
    if (stdin) sources.push(stdinSource);
    return [{ name: forcedLeg, sources }];
  }
  const slashed = (path: string): string => path.split(sep).join('/');
  const legs: LegSources[] = [...groupByLeg(sorted.map(slashed), roots.map(slashed))].map(
    ([name, paths]) => ({
      name,
      sources: paths.map((p) => fileSource(p, display(p))),
    }),
  );
  if (stdin) legs.push({ name: 'stdin', sources: [stdinSource] });
  return legs;
}

/** The folder part of a glob before its first wildcard: for `artifacts/<glob>/*.xml`, `artifacts`. */
function staticBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part !== '' && isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.length === 1 && fixed[0] === '' ? '/' : fixed.join('/') || '.';
}
