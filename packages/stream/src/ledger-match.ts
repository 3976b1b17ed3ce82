import type { QuarantineEntry, QuarantineLedger } from './generated/quarantine-types.js';
import { globMatcher } from './glob.js';

/** A ledger entry ready to match test ids and legs. */
export interface CompiledEntry {
  entry: QuarantineEntry;
  matchesId: (id: string) => boolean;
  matchesLeg: (leg: string) => boolean;
}

/**
 * The ledger's entries as matchers: exact ids looked up directly, globs (`*` only, so no
 * pattern can hang the tool) tried in ledger order after them.
 */
export function compileLedger(ledger: QuarantineLedger): {
  find: (id: string, leg: string) => CompiledEntry | undefined;
  entries: CompiledEntry[];
} {
  const entries = ledger.quarantined.map((entry): CompiledEntry => {
    const legs = (entry.legs ?? []).map(globMatcher);
    return {
      entry,
      matchesId: globMatcher(entry.test),
      matchesLeg: legs.length === 0 ? () => true : (leg) => legs.some((m) => m(leg)),
    };
  });
  const exact = new Map<string, CompiledEntry[]>();
  const globs: CompiledEntry[] = [];
  for (const compiled of entries) {
    if (compiled.entry.test.includes('*')) globs.push(compiled);
    else exact.set(compiled.entry.test, [...(exact.get(compiled.entry.test) ?? []), compiled]);
  }
  const find = (id: string, leg: string): CompiledEntry | undefined =>
    exact.get(id)?.find((c) => c.matchesLeg(leg)) ??
    globs.find((c) => c.matchesId(id) && c.matchesLeg(leg));
  return { find, entries };
}
