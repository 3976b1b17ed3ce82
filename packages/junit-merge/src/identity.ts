import type { ParsedCase, Producer } from './model.js';

/**
 * The stable, human-readable id of a testcase: `<scope>::<name>`, where the scope is what
 * the producer uses to tell tests apart (classname, file, suite path, project), normalised
 * so that the same test gets the same id across runs, shards and runtime versions.
 */
export function testId(testcase: ParsedCase, producer: Producer | undefined): string {
  const [scope, name] = testKey(testcase, producer);
  return joinId(scope, name);
}

/** The two parts of a test's id, for keying without building the id string. */
export function testKey(
  testcase: ParsedCase,
  producer: Producer | undefined,
): [scope: string, name: string] {
  const key = scopeAndName(testcase, producer);
  if (key[1] === '') key[1] = '(unnamed)';
  return key;
}

export function joinId(scope: string, name: string): string {
  return scope === '' ? name : `${scope}::${name}`;
}

function scopeAndName(testcase: ParsedCase, producer: Producer | undefined): [string, string] {
  const { classname, file, suites, name } = testcase;
  switch (producer) {
    case 'playwright':
      // The same spec runs once per project (browser); the project tells them apart.
      return [testcase.project ? `[${testcase.project}] ${classname}` : classname, name];
    case 'node-test':
      // classname is always "test"; nested describes are the suites. Node 20 escapes
      // names twice (`&amp;quot;`), later versions once: undo the extra layer.
      return [
        suites
          .filter((s) => s !== '')
          .map(unescapeXml)
          .join(' > '),
        unescapeXml(name),
      ];
    case 'mocha':
      // The name is already the full title; classname is the bare title and the file is
      // an absolute path that differs between machines.
      return ['', name];
    case 'jest': {
      // jest-junit writes "{classname} {title}" into both attributes by default, with a
      // leading space at the top level, and the suite name "undefined" under jest 30.
      const trimmed = name.trim();
      if (classname.trim() !== trimmed && classname !== '') return [classname.trim(), trimmed];
      const suite = suites[suites.length - 1];
      return [file ?? (suite && suite !== 'undefined' ? suite : ''), trimmed];
    }
    default:
      return [classname !== '' ? classname : (file ?? suites[suites.length - 1] ?? ''), name];
  }
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
};

function unescapeXml(text: string): string {
  return text.includes('&') ? text.replace(/&(amp|lt|gt|quot|apos);/g, (m) => ENTITIES[m]!) : text;
}
