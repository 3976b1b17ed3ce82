import { posix } from 'node:path';
import { withoutAttemptFolder } from './rerun-layout.js';

/**
 * Groups report paths (absolute, `/`-separated) into legs the way CI artifacts are laid
 * out: a file's leg is the first folder below the deepest folder that holds every input
 * (`artifacts/<leg>/...`, as actions/download-artifact writes them); a file directly in
 * that folder is a leg of its own, named after the file without its extension. A rerun's
 * `attempt-N` folder belongs to the leg it reruns.
 * `roots` are folders the user named (a directory, or the fixed part of a glob): the
 * legs lie below them even when only one leg's files were found.
 */
export function groupByLeg(
  paths: readonly string[],
  roots: readonly string[] = [],
): Map<string, string[]> {
  const legs = new Map<string, string[]>();
  if (paths.length === 0) return legs;
  const logical = paths.map(withoutAttemptFolder);
  const base = commonFolder([...logical, ...roots.map((root) => posix.join(root, '_'))]);
  for (const [n, path] of paths.entries()) {
    const rest = posix.relative(base, logical[n]!);
    const slash = rest.indexOf('/');
    const leg = slash === -1 ? stripExtension(rest) : rest.slice(0, slash);
    const files = legs.get(leg);
    if (files) files.push(path);
    else legs.set(leg, [path]);
  }
  return legs;
}

function commonFolder(paths: readonly string[]): string {
  let parts = posix.dirname(paths[0]!).split('/');
  for (const path of paths) {
    const other = posix.dirname(path).split('/');
    let n = 0;
    while (n < parts.length && n < other.length && parts[n] === other[n]) n++;
    parts = parts.slice(0, n);
  }
  return parts.join('/') || '/';
}

function stripExtension(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(0, dot) : file;
}
