import type { ParsedCase, Producer } from './model.js';

/**
 * The stable, human-readable id of a testcase: `<scope>::<name>`, where the scope is what
 * the producer uses to tell tests apart (classname, file, suite path, project), so that the
 * same test gets the same id across runs, shards and runtime versions.
 */
export function testId(testcase: ParsedCase, producer: Producer | undefined): string {
  const name = testcase.name === '' ? '(unnamed)' : testcase.name;
  const scope = scopeOf(testcase, producer);
  return scope === '' ? name : `${scope}::${name}`;
}

function scopeOf(testcase: ParsedCase, producer: Producer | undefined): string {
  const { classname, file, suites } = testcase;
  switch (producer) {
    case 'playwright':
      // The same spec runs once per project (browser); the project tells them apart.
      return testcase.project ? `[${testcase.project}] ${classname}` : classname;
    case 'node-test':
      // classname is always "test"; nested describes are the suites.
      return suites.filter((s) => s !== '').join(' > ');
    case 'jest':
      // jest-junit writes the same "{classname} {title}" into both by default.
      if (classname === testcase.name || classname === '')
        return file ?? suites[suites.length - 1] ?? '';
      return classname;
    default:
      return classname !== '' ? classname : (file ?? suites[suites.length - 1] ?? '');
  }
}
