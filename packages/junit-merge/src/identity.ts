import { type Dialect, dialectNamed } from './dialects/index.js';
import type { ParsedCase, Producer } from './model.js';

/**
 * The stable, human-readable id of a testcase: `<scope>::<name>`, where the scope is what
 * the producer uses to tell tests apart (classname, file, suite path, project), so that
 * the same test gets the same id across runs, shards and runtime versions. Tests of one
 * leg that share it but differ in file, suite path or report get a qualifier (see fold).
 */
export function testId(testcase: ParsedCase, producer: Producer | undefined): string {
  const [scope, name] = testKey(testcase, dialectNamed(producer));
  return joinId(scope, name);
}

/** The two parts of a test's id, for keying without building the id string. */
export function testKey(testcase: ParsedCase, dialect: Dialect): [scope: string, name: string] {
  const key = dialect.key(testcase);
  if (key[1] === '') key[1] = '(unnamed)';
  return key;
}

export function joinId(scope: string, name: string): string {
  return scope === '' ? name : `${scope}::${name}`;
}
