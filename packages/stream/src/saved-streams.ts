import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from './errors.js';
import { oneLine } from './terminal.js';

/**
 * The saved run streams the arguments name: files, and the `.jsonl` files of folders (in
 * name order). Only regular files: a FIFO would wait for a writer forever, so one in a
 * folder is skipped with a line on `warn`, and one named is an error.
 */
export async function savedStreamFiles(
  inputs: readonly string[],
  cwd: string,
  warn: (line: string) => void,
): Promise<string[]> {
  if (inputs.length === 0)
    throw new UsageError('no stream: name saved run streams (files or folders)');
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(resolve(cwd, input)).catch(() => undefined);
    if (info?.isDirectory()) {
      for (const name of (await readdir(resolve(cwd, input))).sort()) {
        if (!name.endsWith('.jsonl')) continue;
        const path = join(input, name);
        const kind = await stat(resolve(cwd, path)).catch(() => undefined);
        if (kind?.isFile()) files.push(path);
        else warn(`skipped ${oneLine(path)}: not a regular file`);
      }
    } else if (info?.isFile()) {
      files.push(input);
    } else {
      throw new InputError(
        info ? 'not a regular file (saved streams are read)' : 'no such file',
        { file: input },
        'name run streams saved from junit-merge or a later stage',
      );
    }
  }
  if (files.length === 0)
    throw new InputError('no .jsonl stream in it', { file: inputs.join(' ') });
  return files;
}
