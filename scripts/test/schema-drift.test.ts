import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generate } from '../generate-schema-code.mjs';

describe('generated types and validators', () => {
  it('match what schemas/ generates today (run `npm run generate` after changing a schema)', async () => {
    const files = (await generate()) as Record<string, string>;
    expect(Object.keys(files).length).toBe(6);
    for (const [path, content] of Object.entries(files)) {
      expect(readFileSync(path, 'utf8'), path).toBe(content);
    }
  });
});

describe('docs/schemas.md', () => {
  it('matches what schemas/ generates today (run `npm run generate` after changing a schema)', async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { generateDocs } = await import('../generate-docs.mjs');
    expect(readFileSync(new URL('../../docs/schemas.md', import.meta.url), 'utf8')).toBe(
      (generateDocs as () => string)(),
    );
  });
});
