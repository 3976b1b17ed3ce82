import { describe, expect, it } from 'vitest';
import { MAX_AUTHOR, MAX_SOURCE, validateSubmission } from '../../src/index.js';

describe('validateSubmission', () => {
  it('accepts a complete submission and trims the author', () => {
    expect(validateSubmission({ author: ' ada ', language: 'go', source: 'package main' })).toEqual(
      {
        ok: true,
        value: { author: 'ada', language: 'go', source: 'package main' },
      },
    );
  });

  it('accepts an author of exactly the longest allowed length', () => {
    expect(
      validateSubmission({ author: 'a'.repeat(MAX_AUTHOR), language: 'go', source: '' }).ok,
    ).toBe(true);
  });

  it('rejects an author one character too long', () => {
    expect(
      validateSubmission({ author: 'a'.repeat(MAX_AUTHOR + 1), language: 'go', source: '' }),
    ).toEqual({
      ok: false,
      errors: [`author is longer than ${MAX_AUTHOR} characters`],
    });
  });

  it('rejects a source over the limit', () => {
    const result = validateSubmission({
      author: 'ada',
      language: 'go',
      source: 'x'.repeat(MAX_SOURCE + 1),
    });
    expect(result.ok).toBe(false);
  });

  it('rejects what is not an object', () => {
    for (const body of [null, [], 'text', 3])
      expect(validateSubmission(body)).toEqual({
        ok: false,
        errors: ['the body must be a JSON object'],
      });
  });
});
