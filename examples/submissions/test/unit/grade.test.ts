import { describe, expect, it } from 'vitest';
import { grade } from '../../src/index.js';

describe('grade', () => {
  it('counts lines, blank lines and comments in the language of the submission', () => {
    expect(grade({ author: 'a', language: 'python', source: '# hi\nprint(1)\n\nx = 2' })).toEqual({
      status: 'done',
      result: { lines: 4, blank: 1, comments: 1 },
    });
    expect(grade({ author: 'a', language: 'go', source: '// c\n# not a comment' })).toEqual({
      status: 'done',
      result: { lines: 2, blank: 0, comments: 1 },
    });
  });

  it('fails an empty source with a reason', () => {
    expect(grade({ author: 'a', language: 'go', source: '  \n ' })).toEqual({
      status: 'failed',
      reason: 'the source is empty',
    });
  });
});
