import {
  type QuarantineEntry,
  type QuarantineLedger,
  UsageError,
  daysBetween,
  globMatcher,
} from '@testgate/stream';

export type Lane = 'blocking' | 'quarantine';
/** The runners whose command line select writes. */
export const RUNNERS = ['vitest', 'jest', 'pytest', 'playwright', 'go', 'ids'] as const;
export type Runner = (typeof RUNNERS)[number];

export interface SelectOptions {
  lane: Lane;
  runner: Runner;
  /** Today (UTC, YYYY-MM-DD): expired entries are back in the blocking lane. */
  today: string;
  /** The leg the runner runs in, for entries restricted to some legs. */
  leg?: string | undefined;
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A name with `*` wildcards as a regular expression source. */
function namePattern(name: string): string {
  return name.split('*').map(regexEscape).join('.*');
}

function split(id: string): { scope: string; name: string } {
  const at = id.lastIndexOf('::');
  return at === -1 ? { scope: '', name: id } : { scope: id.slice(0, at), name: id.slice(at + 2) };
}

/** Entries in force for this lane: not expired, and for this leg when they name legs. */
export function activeEntries(
  ledger: QuarantineLedger,
  options: Pick<SelectOptions, 'today' | 'leg'>,
): QuarantineEntry[] {
  return ledger.quarantined.filter((entry) => {
    if (daysBetween(options.today, entry.deadline) < 0) return false;
    if (!entry.legs || entry.legs.length === 0) return true;
    return options.leg !== undefined && entry.legs.some((glob) => globMatcher(glob)(options.leg!));
  });
}

/**
 * The arguments that make a runner run only the quarantined tests (quarantine lane) or
 * leave them out (blocking lane), mapped from testgate ids (`scope::name`) to each
 * runner's own filter: a name pattern for vitest, jest and Playwright, node ids for
 * pytest, `-run`/`-skip` for go. Empty when nothing is quarantined.
 */
export function selectArgs(ledger: QuarantineLedger, options: SelectOptions): string[] {
  const entries = activeEntries(ledger, options);
  if (entries.length === 0) return [];
  const ids = [...new Set(entries.map((e) => e.test))].sort();
  const quarantine = options.lane === 'quarantine';
  switch (options.runner) {
    case 'ids':
      for (const id of ids)
        if (/[\r\n]/.test(id))
          throw new UsageError(
            `select --runner ids: ${JSON.stringify(id)} holds a line break, which would read as two ids`,
            'quarantine the test by a pattern without the line break (`*` matches it)',
          );
      return ids;
    case 'vitest':
    case 'jest': {
      // Both match a test's describe titles and name joined by spaces; vitest ids join them with " > ".
      const names = ids.map((id) => namePattern(split(id).name.replaceAll(' > ', ' ')));
      const files = quarantine
        ? [...new Set(ids.map((id) => split(id).scope))].filter(
            (f) => f !== '' && !f.includes('*') && /\.[cm]?[jt]sx?$/.test(f),
          )
        : [];
      const flag = options.runner === 'vitest' ? '-t' : '--testNamePattern';
      const alternatives = `(?:${names.join('|')})`;
      return [
        ...positionals(files, options.runner),
        flag,
        quarantine ? `^${alternatives}$` : `^(?!${alternatives}$)`,
      ];
    }
    case 'playwright': {
      // Playwright greps "file title › title"; its ids are "[project] file::title › title".
      const patterns = ids.map((id) => namePattern(split(id).name));
      return [quarantine ? '--grep' : '--grep-invert', `(?:${patterns.join('|')})$`];
    }
    case 'pytest': {
      const nodeIds = ids.map((id) => pytestNodeId(id));
      return quarantine
        ? positionals(nodeIds, 'pytest')
        : nodeIds.flatMap((nodeId) => ['--deselect', nodeId]);
    }
    case 'go': {
      const names = ids.map((id) => {
        const { name } = split(id);
        if (name.includes('/'))
          throw new UsageError(
            `select --runner go: ${JSON.stringify(id)} is a subtest, which -run/-skip cannot pick out alone`,
            'quarantine the parent test',
          );
        return namePattern(name);
      });
      return [quarantine ? '-run' : '-skip', `^(?:${names.join('|')})$`];
    }
  }
}

/**
 * Arguments a runner reads as positionals: one that starts with `-` would be read as an
 * option (`--config=…` from a test id), so such an id is refused rather than passed on.
 */
function positionals(args: string[], runner: Runner): string[] {
  const option = args.find((arg) => arg.startsWith('-'));
  if (option !== undefined)
    throw new UsageError(
      `select --runner ${runner}: ${JSON.stringify(option)} would be read as an option, not a test`,
      'rename the test file, or quarantine it by a pattern that does not start with -',
    );
  return args;
}

/** "tests.test_mod.TestClass::test_x[1]" → "tests/test_mod.py::TestClass::test_x[1]". */
function pytestNodeId(id: string): string {
  if (id.includes('*'))
    throw new UsageError(
      `select --runner pytest: ${JSON.stringify(id)} is a glob; pytest takes exact node ids`,
      'quarantine the tests one by one',
    );
  const { scope, name } = split(id);
  const parts = scope.split('.');
  // pytest's classname is the module path, then any test classes (named Test…).
  const firstClass = parts.findIndex((p, i) => i > 0 && /^Test/.test(p));
  const modules = firstClass === -1 ? parts : parts.slice(0, firstClass);
  const classes = firstClass === -1 ? [] : parts.slice(firstClass);
  return [`${modules.join('/')}.py`, ...classes, name].join('::');
}
