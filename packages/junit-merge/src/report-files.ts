import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';

/** A path an argument names that is no regular file, with what it is instead. */
export interface SkippedPath {
  path: string;
  what: string;
}

export interface FoundReports {
  /** Regular files, absolute, each once (by real path), sorted. */
  files: string[];
  /** Paths that matched but are no regular file (a FIFO, a device, …): read nothing from them. */
  skipped: SkippedPath[];
  /** The folders the arguments named (a folder, or a glob's fixed part). */
  roots: string[];
}

// A glob engine's `**` does not cross a line break in a name: matched with the breaks
// replaced, so that a folder named with one is read like any other.
const LINE_BREAKS = /[\n\r\u2028\u2029]/g;

/**
 * Every report the arguments name: a path that exists is taken literally (a file, or every
 * report below a folder, symlinked folders followed once), and only an argument that names
 * no path is a glob. Nothing below an argument is left out silently: a matching path that
 * is no regular file is returned as skipped.
 */
export async function findReports(inputs: readonly string[], cwd: string): Promise<FoundReports> {
  const found = new Found();
  for (const input of inputs) {
    const path = resolve(cwd, input);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      found.roots.push(path);
      await found.walk(path, isReportName);
    } else if (info) {
      await found.take(path, info);
    } else if (picomatch.scan(input).isGlob) {
      const base = resolve(cwd, picomatch.scan(input).base || '.');
      found.roots.push(base);
      const absolute = input.startsWith('/');
      const matches = picomatch(absolute ? input : input.replace(/^\.\//, ''), { dot: true });
      await found.walk(base, (file) =>
        matches((absolute ? file : relative(cwd, file)).replace(LINE_BREAKS, '_')),
      );
    } else {
      throw new MissingInputError(input);
    }
  }
  return {
    files: [...found.files.values()].sort(),
    skipped: found.skipped.sort((a, b) => (a.path < b.path ? -1 : 1)),
    roots: found.roots,
  };
}

/**
 * What a folder's walk takes: JUnit's `.xml`, and CTRF's `.json` when its name says CTRF
 * (the reporters' default is `ctrf-report.json`), so that other JSON in an artifact folder
 * (a package.json, coverage) is not read as a broken report.
 */
export function isReportName(file: string): boolean {
  return file.endsWith('.xml') || (file.endsWith('.json') && /ctrf/i.test(basename(file)));
}

/** An argument that names no path and is no glob. */
export class MissingInputError extends Error {
  readonly input: string;

  constructor(input: string) {
    super(`no such file: ${input}`);
    this.input = input;
  }
}

class Found {
  /** By real path: a report reached through two symlinks is read once. */
  readonly files = new Map<string, string>();
  readonly skipped: SkippedPath[] = [];
  readonly roots: string[] = [];
  readonly #folders = new Set<string>();

  async walk(dir: string, wanted: (file: string) => boolean): Promise<void> {
    const real = await realpath(dir).catch(() => dir);
    if (this.#folders.has(real)) return; // a symlink loop, or a folder reached twice
    this.#folders.add(real);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        await this.walk(path, wanted);
      } else if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (target?.isDirectory()) await this.walk(path, wanted);
        else if (wanted(path)) await this.take(path, target);
      } else if (entry.isFile()) {
        // A file in a folder walked once is reached once: its real path is the folder's.
        if (wanted(path)) this.#add(join(real, entry.name), path);
      } else if (wanted(path)) {
        await this.take(path, await stat(path).catch(() => undefined));
      }
    }
  }

  /** A file to read, or skipped when it is none; `info` when already known (undefined: a regular file). */
  async take(path: string, info: Awaited<ReturnType<typeof stat>> | undefined): Promise<void> {
    const what = info === undefined ? undefined : kindOf(info);
    if (what !== undefined) {
      this.skipped.push({ path, what });
      return;
    }
    this.#add(await realpath(path).catch(() => path), path);
  }

  #add(real: string, path: string): void {
    if (!this.files.has(real)) this.files.set(real, path);
  }
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a folder';
  return 'no regular file';
}
