import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every .xml file below a folder, sorted. */
export function listReports(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.xml'))
    .map((f) => join(dir, f))
    .sort();
}
