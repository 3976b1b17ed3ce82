import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileStore,
  type HistoryStore,
  PostgresStore,
  SingleFileStore,
  loadHistory,
} from '../src/index.js';
import { toLines } from '../src/stores/jsonl-file.js';
import { throwawayPostgres } from './_postgres.js';
import { DAY, PLAN, entriesOf, history, labelled, oracle, streamOf } from './_history.js';
import { runFlakeDetect } from './_streams.js';

// The folder store keeps the per-test state: a state file and the segments recorded
// since, folded in by compaction. What it labels is what the full window labels.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const WINDOW = 10 * DAY;
const runs = history(11, 60);

async function compareAt(store: HistoryStore, at: number) {
  const entries = runs.slice(0, at).flatMap(entriesOf);
  const records = streamOf(runs[at]!, PLAN);
  const now = runs[at]!.time + 3_600_000;
  const old = await labelled(async (q) => oracle(entries, q), records, now, WINDOW);
  const fresh = await labelled(async (q) => loadHistory(store, q), records, now, WINDOW);
  expect(fresh.out).toEqual(old.out);
  expect(fresh.proposals).toBe(old.proposals);
  return old;
}

const files = (folder: string) => readdirSync(folder).filter((f) => f.endsWith('.jsonl'));

describe('the folder store', () => {
  it('labels as the full window does, before and after its segments are folded into the state', async () => {
    const store = new FileStore(join(dir, 'h'));
    const since = (at: number) => new Date(runs[at]!.time - WINDOW).toISOString();
    for (let at = 0; at < 40; at++) {
      await store.append(entriesOf(runs[at]!), since(at));
      if (at === 16) {
        // The seventeenth segment folds all of them into one state file.
        expect(files(join(dir, 'h'))).toEqual([expect.stringMatching(/\.state\.jsonl$/)]);
        await compareAt(store, 17);
      }
    }
    const [state, ...segments] = files(join(dir, 'h'));
    expect(state).toMatch(/\.state\.jsonl$/);
    expect(segments).toHaveLength(40 - 34);
    await compareAt(store, 40);
    // Pruned: one state file, labelling as before.
    await store.prune(since(40));
    expect(files(join(dir, 'h'))).toEqual([expect.stringMatching(/\.state\.jsonl$/)]);
    await compareAt(store, 40);
    // The runs that fell out of the window are gone from it.
    const stateText = () => readFileSync(join(dir, 'h', files(join(dir, 'h'))[0]!), 'utf8');
    expect(stateText()).toContain(`"run":"${runs[0]!.run}"`);
    await store.prune(since(42));
    expect(stateText()).not.toContain(`"run":"${runs[0]!.run}"`);
  });

  it('reads a folder of segments an earlier version wrote, and folds it at its first compaction', async () => {
    mkdirSync(join(dir, 'old'));
    runs.slice(0, 30).forEach((run, i) => {
      writeFileSync(
        join(dir, 'old', `2026-11-${String(i + 1).padStart(2, '0')}T000000000Z-${i}.jsonl`),
        toLines(entriesOf(run)),
      );
    });
    const store = new FileStore(join(dir, 'old'));
    await compareAt(store, 30);
    await store.prune(new Date(runs[30]!.time - WINDOW).toISOString());
    expect(files(join(dir, 'old'))).toHaveLength(1);
    await compareAt(store, 30);
  });

  it('labels the same when a compaction stopped between writing the state and removing what it folded', async () => {
    const store = new FileStore(join(dir, 'h'));
    for (let at = 0; at < 5; at++)
      await store.append(entriesOf(runs[at]!), '2026-01-01T00:00:00.000Z');
    const segments = files(join(dir, 'h'));
    const kept = segments.map((f) => [f, readFileSync(join(dir, 'h', f), 'utf8')] as const);
    await store.prune('2026-01-01T00:00:00.000Z');
    // As if the job stopped between writing the state and removing what it folded.
    for (const [f, text] of kept) writeFileSync(join(dir, 'h', f), text);
    await compareAt(store, 5);
  });

  it('says which line of a damaged state file is wrong, and what to do', async () => {
    const history = join(dir, 'h');
    const store = new FileStore(history);
    for (let at = 0; at < 3; at++)
      await store.append(entriesOf(runs[at]!), '2026-01-01T00:00:00.000Z');
    await store.prune('2026-01-01T00:00:00.000Z');
    const [name] = files(history);
    const lines = readFileSync(join(history, name!), 'utf8').split('\n');
    const input = streamOf(runs[3]!, PLAN)
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');

    writeFileSync(
      join(history, name!),
      [...lines.slice(0, 2), '{"type":"leg"', ...lines.slice(2)].join('\n'),
    );
    let result = await runFlakeDetect(['--history', history], input, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `flake-detect: ${join(history, name!)}:3: history state line not JSON\nhint: the history state is damaged: remove the file and record again\n`,
    );

    writeFileSync(
      join(history, name!),
      [lines[0]!.replace('"version":1', '"version":2'), ...lines.slice(1)].join('\n'),
    );
    result = await runFlakeDetect(['--history', history], input, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /:1: history state of version 2, and this flake-detect reads version 1\nhint: record with the flake-detect that wrote it, or remove the file\n$/,
    );
  });
});

describe('the single-file store', () => {
  it('reads a file of entries an earlier version wrote, and keeps the state from its next recording on', async () => {
    const file = join(dir, 'history.jsonl');
    writeFileSync(file, toLines(runs.slice(0, 30).flatMap(entriesOf)));
    const store = new SingleFileStore(file);
    await compareAt(store, 30);
    await store.append(entriesOf(runs[30]!), new Date(runs[30]!.time - WINDOW).toISOString());
    expect(readFileSync(file, 'utf8')).toMatch(/^\{"type":"state","version":1,"folded":\[\]\}\n/);
    await compareAt(store, 31);
  });
});

describe('the Postgres store', () => {
  const { database } = throwawayPostgres('state');

  it('labels as the full window does, reading only the tests of the run', async () => {
    const store = new PostgresStore(await database());
    try {
      for (let at = 0; at < 40; at++)
        await store.append(entriesOf(runs[at]!), new Date(runs[at]!.time - WINDOW).toISOString());
      await compareAt(store, 40);
      // Labelling asks for the run's tests in every leg of their configuration, no others.
      const asked: Array<[string, string]>[] = [];
      const watched: HistoryStore = {
        ...store,
        name: store.name,
        append: (e, s) => store.append(e, s),
        prune: (s) => store.prune(s),
        close: () => store.close(),
        state: (s, tests) => {
          asked.push(tests ?? []);
          return store.state(s, tests);
        },
      };
      await compareAt(watched, 40);
      const inRun = [...runs[40]!.legs].flatMap(([, tests]) => [...tests.keys()]);
      expect(asked).toHaveLength(1);
      expect(new Set(asked[0]!.map(([id]) => id))).toEqual(new Set(inRun));
      // A unit test is read in both shards of its configuration, an api test in its leg.
      expect(asked[0]!.filter(([id]) => id === 't3').map(([, leg]) => leg)).toEqual(['api']);
      expect(
        asked[0]!
          .filter(([id]) => id === 't1')
          .map(([, leg]) => leg)
          .sort(),
      ).toEqual(['unit-1', 'unit-2']);
      // Of a run's tests, only theirs.
      const since = new Date(runs[40]!.time - WINDOW).toISOString();
      const one = await store.state(since, [['t3', 'api']]);
      expect([...one.tests.keys()]).toEqual(['t3\u0000api']);
      expect([...one.legs.keys()]).toEqual(['api']);
    } finally {
      await store.close();
    }
  });

  it('folds the history table the previous version wrote into the state on first use, and drops it', async () => {
    const url = await database();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const store = new PostgresStore(url);
    try {
      // The table as the previous version made and filled it.
      await client.query(`CREATE TABLE testgate_history (
      run text NOT NULL, attempt integer NOT NULL CHECK (attempt >= 1), leg text NOT NULL,
      id text NOT NULL, commit text NOT NULL, branch text,
      outcome text NOT NULL CHECK (outcome IN ('passed', 'failed', 'error', 'skipped', 'flaky')),
      duration double precision, time timestamptz NOT NULL, signatures text[],
      PRIMARY KEY (run, attempt, leg, id));
      CREATE INDEX testgate_history_time ON testgate_history (time)`);
      for (const run of runs.slice(0, 30)) {
        const entries = entriesOf(run);
        await client.query(
          `INSERT INTO testgate_history (id, leg, commit, branch, run, attempt, outcome, duration, time, signatures)
         SELECT id, leg, commit, branch, run, attempt, outcome, duration, time, signatures::text[]
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::double precision[], $9::timestamptz[], $10::text[])
           AS u(id, leg, commit, branch, run, attempt, outcome, duration, time, signatures)`,
          [
            entries.map((e) => e.id),
            entries.map((e) => e.leg),
            entries.map((e) => e.commit),
            entries.map((e) => e.branch ?? null),
            entries.map((e) => e.run),
            entries.map((e) => e.attempt),
            entries.map((e) => e.outcome),
            entries.map((e) => e.duration ?? null),
            entries.map((e) => e.time),
            entries.map((e) => (e.signatures ? `{${e.signatures.join(',')}}` : null)),
          ],
        );
      }
      await compareAt(store, 30);
      const tables = await client.query<{ table: string | null }>(
        "SELECT to_regclass('testgate_history')::text AS table",
      );
      expect(tables.rows[0]!.table).toBeNull();
      const version = await client.query<{ version: number }>(
        'SELECT version FROM testgate_state_version',
      );
      expect(version.rows).toEqual([{ version: 1 }]);
      // And records on from there.
      await store.append(entriesOf(runs[30]!), new Date(runs[30]!.time - WINDOW).toISOString());
      await compareAt(store, 31);
    } finally {
      await store.close();
      await client.end();
    }
  });
});
