import {
  type DiagnosticRecord,
  type FlakeRecentRun,
  type FlakeVerdict,
  type HistoryEntry,
  type LegRecord,
  type QuarantineLedger,
  type RunRecord,
  type TestRecord,
  type TestgateRecord,
  NO_SIGNATURE,
  addDays,
  asOneStream,
  compileLedger,
  failureSignatures,
  utcDay,
} from '@testgate/stream';
import { classify, cleanStreak } from './classify.js';
import { RunNumbers, type RunsOfTest, coFailingGroups, runsOf } from './co-failing.js';
import { configurationOf } from './equivalent-legs.js';
import { cleanCommitsNeeded } from './estimate.js';
import { failureCause } from './failure-cause.js';
import { type Observation, type RunInfo, isFailing } from './history-index.js';
import type { HistoryView } from './history-view.js';
import { type RecordSpill, memorySpill } from './spill.js';

export const TOOL = 'flake-detect';

/** Which history the detector needs: the window, without the run being classified. */
export interface HistoryQuery {
  /** The oldest time in the window, ISO 8601. */
  since: string;
  /** The run attempt being classified: its entries, if it was recorded before, are left out. */
  current: RunInfo;
  /**
   * The tests (id, leg) whose history labelling reads: each test of the run in every leg
   * of its configuration. Every test when left out.
   */
  tests?: Array<[id: string, leg: string]>;
}

export interface DetectOptions {
  /** Length of the history window in milliseconds. */
  windowMs: number;
  /** The clock, for a stream whose run record has no startedAt. */
  now: Date;
  /** The branch whose commits the history rules read; the run's branch by default. */
  branch?: string | undefined;
  /**
   * The branch a failure is compared with, to say whether this change caused it: the
   * stream's `baseBranch` (a pull request's target) by default, else the run's branch.
   */
  base?: string | undefined;
  /**
   * Keep this run's history lines in `entries`, for recording.
   * @default true
   */
  keepEntries?: boolean;
  /** Where the run's records wait between the two passes. @default memorySpill() */
  spill?: RecordSpill | undefined;
  /** Quarantined tests are left out of the proposals and checked for release. */
  ledger?: QuarantineLedger | undefined;
  /**
   * Flake rate a quarantined test must be shown to stay under (at 95% confidence) to be
   * listed as a release candidate.
   * @default 0.02
   */
  targetRate?: number;
  /**
   * A suspect test is proposed for quarantine when its score (the flake rate shown with
   * 95% confidence) reaches this.
   * @default 0.01
   */
  proposeScore?: number;
  /**
   * Days a proposed quarantine lasts.
   * @default 14
   */
  proposeDays?: number;
}

/** A quarantine proposal: a ledger entry without owner, with the evidence. */
export interface Proposal {
  test: string;
  reason: string;
  quarantinedDate: string;
  deadline: string;
  legs: string[];
  status: 'flaky' | 'suspect';
  evidence: FlakeVerdict['evidence'];
  /**
   * The signatures of its failures in this run, when it failed here: a reviewer pins the
   * entry with `signature` to the one that is the known flake.
   */
  signatures?: string[];
}

export type StatusCounts = Record<FlakeVerdict['status'], number>;

/** The run attempt a stream describes, as the history knows runs. */
export function runInfoOf(run: RunRecord | undefined, now: Date): RunInfo {
  const started = run?.startedAt ?? now.toISOString();
  const id = run?.runId ?? `local-${started}`;
  return {
    run: id,
    attempt: run?.attempt ?? 1,
    // Without a commit the run is its own commit: it can never pair with another run.
    commit: run?.commit ?? `unknown@${id}`,
    branch: run?.branch,
    time: Date.parse(started),
  };
}

/** The history line that records a test's outcome in a run. */
export function historyEntryOf(run: RunInfo, test: TestRecord): HistoryEntry {
  const duration = test.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
  const signatures = isFailing(test.outcome) ? signaturesOf(test) : [];
  return {
    id: test.id,
    leg: test.leg,
    commit: run.commit,
    ...(run.branch === undefined ? {} : { branch: run.branch }),
    run: run.run,
    attempt: run.attempt,
    outcome: test.outcome,
    ...(signatures.length > 0 && { signatures }),
    duration: Math.round(duration * 1e6) / 1e6,
    time: new Date(run.time).toISOString(),
  };
}

/** The signatures of a test's failures, leaving out failures that have none. */
function signaturesOf(test: TestRecord): string[] {
  return failureSignatures(test).filter((s) => s !== NO_SIGNATURE);
}

function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

function reasonFor(flake: FlakeVerdict): string {
  const latest = flake.evidence[0];
  const run = latest?.runs[0];
  const where = latest
    ? `commit ${latest.commit}${run ? ` (run ${run.run} attempt ${run.attempt})` : ''}`
    : '';
  if (flake.status === 'flaky')
    return latest?.rule === 'same-run'
      ? `failed and passed in one run on ${where}`
      : latest?.runs.some((r) => r.leg !== undefined)
        ? `failed and passed on ${where} in legs that differ only by shard`
        : `failed and passed in reruns of ${where}`;
  const sample = flake.sample!;
  return `failed on ${sample.failures} of ${sample.commits} commits between passes (flake rate at least ${percent(flake.score ?? 0)} at 95% confidence)`;
}

/** Which leg's verdict becomes the test's one label: certain evidence first. */
const LABEL_RANK: Record<FlakeVerdict['status'], number> = {
  flaky: 0,
  broken: 1,
  suspect: 2,
  stable: 3,
  new: 4,
};

/** A test's label in this run, and each leg's own verdict and observations. */
interface TestLabel {
  flake: FlakeVerdict;
  legs: Map<string, { verdict: FlakeVerdict; observations: Observation[] }>;
  /** Records of the test still to be labelled. */
  left: number;
}

/**
 * Adds a `flake` verdict to every test record of a stream, from this run and the history
 * window, and passes every other record through. The run is read whole first (kept in
 * `options.spill`, in memory by default): a test gets one label across its legs, and legs
 * that differ only by shard are reruns of one another. Once `detect()` is done, `counts`
 * (labels, one per test), `proposals`, `entries` (this run's history lines),
 * `incompleteLegs` and the release candidates in the trailing diagnostics are complete.
 */
export class FlakeDetector {
  readonly counts: StatusCounts = { stable: 0, flaky: 0, suspect: 0, broken: 0, new: 0 };
  readonly entries: HistoryEntry[] = [];
  readonly proposals: Proposal[] = [];
  /** Blocking legs of the run that did not report (missing, unreadable): the run is incomplete. */
  readonly incompleteLegs: string[] = [];
  #run: RunInfo | undefined;
  #results = 0;
  #legs = 0;

  constructor(
    private readonly loadHistory: (query: HistoryQuery) => Promise<HistoryView>,
    private readonly options: DetectOptions,
  ) {}

  /** Test records read: a test's result in one leg each. */
  get results(): number {
    return this.#results;
  }

  /** Leg records read. */
  get legCount(): number {
    return this.#legs;
  }

  /** The run the stream described, once the stream was read. */
  get run(): RunInfo | undefined {
    return this.#run;
  }

  async *detect(records: AsyncIterable<TestgateRecord>): AsyncGenerator<TestgateRecord> {
    const options = this.options;
    const spill = options.spill ?? memorySpill();
    try {
      const run = await this.#readRun(records, spill);
      yield* this.#label(run, spill);
    } finally {
      spill.dispose();
    }
  }

  /** The first pass: every record kept aside, and what labelling needs of the run. */
  async #readRun(records: AsyncIterable<TestgateRecord>, spill: RecordSpill): Promise<ReadRun> {
    let first: TestgateRecord | undefined;
    const legs = new Map<string, LegRecord>();
    const testSeconds = new Map<string, number>();
    const ran = new RunOutcomes();
    for await (const record of asOneStream(records)) {
      first ??= record;
      if (record.type === 'leg') {
        this.#legs++;
        legs.set(record.name, record);
        // A leg that does not block (a quarantine lane) is no part of the run's verdict.
        const absent = record.status === 'missing' || record.status === 'unreadable';
        if (absent && record.blocking !== false) this.incompleteLegs.push(record.name);
      } else if (record.type === 'test') {
        this.#results++;
        ran.add(record.id, record.leg, record.outcome);
        const seconds = record.attempts.reduce((sum, a) => sum + (a.duration ?? 0), 0);
        testSeconds.set(record.leg, (testSeconds.get(record.leg) ?? 0) + seconds);
      }
      spill.write(record);
    }
    const runRecord = first?.type === 'run' ? first : undefined;
    const current = runInfoOf(runRecord, this.options.now);
    this.#run = current;
    const since = new Date(current.time - this.options.windowMs).toISOString();
    const shards = legShards(legs);
    const index = await this.loadHistory({ since, current, tests: historyKeys(ran, shards) });
    const outages = new Map<string, DiagnosticRecord>();
    for (const leg of legs.values()) {
      const outage = legOutage(index, leg);
      if (outage) outages.set(leg.name, outage);
    }
    return {
      current,
      base: this.options.base ?? runRecord?.baseBranch ?? current.branch,
      index,
      verdicts: new Map(),
      legs,
      testSeconds,
      ran,
      outages,
      shards,
    };
  }

  /** The second pass: each record again, its test labelled. */
  async *#label(read: ReadRun, spill: RecordSpill): AsyncGenerator<TestgateRecord> {
    const options = this.options;
    const { current, outages } = read;
    const quarantine = options.ledger ? compileLedger(options.ledger) : undefined;
    const needed = cleanCommitsNeeded(options.targetRate ?? 0.02);
    const proposeScore = options.proposeScore ?? 0.01;
    const proposed = new Map<
      string,
      { proposal: Omit<Proposal, 'legs'>; legs: Set<string>; signatures: Set<string> }
    >();
    const release = new Map<string, { streak: number; legs: number; clean: number }>();
    const branch = options.branch ?? current.branch;
    const labels = new Map<string, TestLabel>();
    const flakyRuns: RunsOfTest[] = [];
    const runNumbers = new RunNumbers();

    for await (const record of spill.replay()) {
      if (record.type === 'leg') {
        const outage = outages.get(record.name);
        if (outage) yield outage;
        const past = read.index.recentTestSeconds(record.name, RECENT - 1);
        const now = Math.round((read.testSeconds.get(record.name) ?? 0) * 1000) / 1000;
        // A leg that did not report has no time of its own this run.
        const recent = record.status === 'reported' ? [...past, now] : past;
        yield recent.length > 0 ? { ...record, recentTestSeconds: recent } : record;
        continue;
      }
      if (record.type !== 'test') {
        yield record;
        continue;
      }
      let label = labels.get(record.id);
      if (!label) {
        labels.set(record.id, (label = labelTest(record.id, read, branch)));
        this.counts[label.flake.status]++;
        if (label.flake.status === 'flaky' || label.flake.status === 'suspect')
          flakyRuns.push(
            runsOf(
              record.id,
              [...label.legs.values()].map((l) => l.observations),
              runNumbers,
            ),
          );
      }
      if (--label.left === 0) labels.delete(record.id);
      const own = label.legs.get(record.leg)!;
      if (options.keepEntries !== false) this.entries.push(historyEntryOf(current, record));

      const quarantined = quarantine?.find(record.id, record.leg);
      if (quarantined) {
        const streak = cleanStreak(own.observations, branch);
        const tally = release.get(record.id) ?? { streak, legs: 0, clean: 0 };
        tally.legs++;
        if (streak >= needed) tally.clean++;
        tally.streak = Math.min(tally.streak, streak);
        release.set(record.id, tally);
      }
      // One failure between passes is as likely a break fixed at once: a suspect is
      // proposed from its second failing commit, and only with enough evidence.
      const verdict = own.verdict;
      const proposable =
        verdict.status === 'flaky' ||
        (verdict.status === 'suspect' &&
          (verdict.sample?.failures ?? 0) >= 2 &&
          (verdict.score ?? 0) >= proposeScore);
      const failing = isFailing(record.outcome);
      const seen = failing ? failureSignatures(record) : [];
      if (proposable && !quarantined) {
        const group = proposed.get(record.id);
        if (group) {
          group.legs.add(record.leg);
          for (const signature of seen) group.signatures.add(signature);
        } else {
          const today = utcDay(new Date(current.time));
          proposed.set(record.id, {
            proposal: {
              test: record.id,
              reason: reasonFor(verdict),
              quarantinedDate: today,
              deadline: addDays(today, options.proposeDays ?? 14),
              status: verdict.status as 'flaky' | 'suspect',
              evidence: verdict.evidence.slice(0, 3),
            },
            legs: new Set([record.leg]),
            signatures: new Set(seen),
          });
        }
      }
      const strip = failing || quarantined !== undefined || STRIPPED.has(label.flake.status);
      const outage = outages.has(record.leg);
      const cause =
        failing &&
        failureCause({
          observations: own.observations,
          current,
          base: read.base,
          verdict,
          proposable,
          outage,
          signatures: signaturesOf(record),
        });
      const flake =
        outage || strip
          ? {
              ...label.flake,
              ...(outage && { outage: true }),
              ...(strip && { recent: recentRuns(own.observations, record.leg) }),
              ...(cause && { cause }),
            }
          : label.flake;
      yield { ...record, flake };
    }

    // Proposed for the legs it was flaky in: a reviewer widens the entry if need be.
    for (const { proposal, legs, signatures } of proposed.values())
      this.proposals.push({
        ...proposal,
        legs: [...legs].sort(),
        ...(signatures.size > 0 && { signatures: [...signatures].sort() }),
      });
    for (const group of coFailingGroups(flakyRuns, runNumbers))
      yield {
        type: 'diagnostic',
        severity: 'info',
        code: 'flake-co-failing',
        tool: TOOL,
        tests: group.tests,
        message: `${group.tests.length} flaky tests fail together, in ${group.together} runs of the window (${group.chance < 0.001 ? 'p < 0.001' : `p = ${group.chance.toFixed(3)}`} by chance): ${namesOf(group.tests)}`,
        hint: 'they likely share one cause (a fixture, a service, the order they run in): give them one owner',
      };
    for (const [test, tally] of release) {
      if (tally.clean < tally.legs) continue;
      yield {
        type: 'diagnostic',
        severity: 'info',
        code: 'quarantine-release-candidate',
        tool: TOOL,
        test,
        message: `${test} is quarantined but passed its last ${tally.streak} commits: a flake rate under ${percent(options.targetRate ?? 0.02)} at 95% confidence needs ${needed}`,
        hint: `take it out of quarantine: quarantine-filter remove --test '${test.replaceAll("'", "'\\''")}'`,
      };
    }
  }
}

/** Test ids for a message: the first few, and how many more. */
function namesOf(tests: string[], most = 10): string {
  const shown = tests.slice(0, most).join(', ');
  return tests.length > most ? `${shown} and ${tests.length - most} more` : shown;
}

/** Labels whose tests carry their recent runs, for the reports' strips. */
const STRIPPED = new Set<FlakeVerdict['status']>(['flaky', 'suspect', 'broken']);
/** Runs in a strip. */
const RECENT = 30;

/**
 * The test's outcomes in its last runs in its leg, oldest first, this run last: from the
 * observations its verdict was made of (those of legs read with it name their leg).
 */
function recentRuns(observations: Observation[], leg: string): FlakeRecentRun[] {
  const recent: FlakeRecentRun[] = [];
  for (let i = observations.length - 1; i >= 0 && recent.length < RECENT; i--) {
    const o = observations[i]!;
    if (o.leg === undefined || o.leg === leg)
      recent.push({ commit: o.run.commit, outcome: o.outcome });
  }
  return recent.reverse();
}

const OUTCOMES: readonly TestRecord['outcome'][] = [
  'passed',
  'failed',
  'error',
  'skipped',
  'flaky',
];

/**
 * This run's outcome of each test in each leg, compact: a million tests are a million map
 * entries holding a number each (leg and outcome packed), not a million arrays of objects.
 */
class RunOutcomes {
  readonly #byTest = new Map<string, number | number[]>();
  readonly #legs: string[] = [];
  readonly #legIndex = new Map<string, number>();

  add(id: string, leg: string, outcome: TestRecord['outcome']): void {
    let index = this.#legIndex.get(leg);
    if (index === undefined) {
      index = this.#legs.push(leg) - 1;
      this.#legIndex.set(leg, index);
    }
    const packed = index * 8 + OUTCOMES.indexOf(outcome);
    const known = this.#byTest.get(id);
    if (known === undefined) this.#byTest.set(id, packed);
    else if (typeof known === 'number') this.#byTest.set(id, [known, packed]);
    else known.push(packed);
  }

  /** Each test and the legs it ran in. */
  *legsOfTests(): Generator<[id: string, legs: string[]]> {
    for (const [id, known] of this.#byTest) {
      const list = typeof known === 'number' ? [known] : known;
      yield [id, list.map((p) => this.#legs[Math.floor(p / 8)]!)];
    }
  }

  /** The test's outcomes by leg, forgotten once taken. */
  take(id: string): Array<{ leg: string; outcome: TestRecord['outcome'] }> {
    const known = this.#byTest.get(id);
    this.#byTest.delete(id);
    const list = known === undefined ? [] : typeof known === 'number' ? [known] : known;
    return list.map((p) => ({ leg: this.#legs[Math.floor(p / 8)]!, outcome: OUTCOMES[p % 8]! }));
  }
}

/** What the first pass learnt of the run. */
interface ReadRun {
  current: RunInfo;
  /** The branch failures are compared with; every branch when undefined. */
  base: string | undefined;
  index: HistoryView;
  /** Verdicts by what they were made of (outcomesKey), for the tests that share one. */
  verdicts: Map<string, FlakeVerdict>;
  legs: Map<string, LegRecord>;
  /** This run's test time per leg. */
  testSeconds: Map<string, number>;
  /** This run's outcomes of each test, by leg. */
  ran: RunOutcomes;
  /** The legs that failed en masse, with the diagnostic that says so. */
  outages: Map<string, DiagnosticRecord>;
  /** Each leg's configuration, and the run's legs of each configuration (its shards). */
  shards: LegShards;
}

interface LegShards {
  configurationOf: Map<string, string>;
  legsOf: Map<string, string[]>;
}

/** The run's legs by configuration: legs that differ only by shard are one configuration. */
function legShards(legs: Map<string, LegRecord>): LegShards {
  const configurationOfLeg = new Map<string, string>();
  const legsOf = new Map<string, string[]>();
  for (const leg of legs.values()) {
    const key = configurationOf(leg);
    configurationOfLeg.set(leg.name, key);
    legsOf.set(key, [...(legsOf.get(key) ?? []), leg.name]);
  }
  return { configurationOf: configurationOfLeg, legsOf };
}

/**
 * A test's verdict in each of its legs, legs of one configuration read together, and its
 * one label: the leg verdict with the strongest evidence, with every leg's status beneath
 * when they disagree.
 */
function labelTest(id: string, read: ReadRun, branch: string | undefined): TestLabel {
  const ran = read.ran.take(id);
  // The legs the test ran in, by configuration.
  const configurations = new Map<string, Set<string>>();
  for (const { leg } of ran) {
    const key = read.shards.configurationOf.get(leg) ?? configurationOf({ name: leg });
    let members = configurations.get(key);
    if (!members) configurations.set(key, (members = new Set()));
    members.add(leg);
  }
  const legs: TestLabel['legs'] = new Map();
  let best: FlakeVerdict | undefined;
  for (const [key, members] of configurations) {
    // Its history in every shard of the configuration: a plan moves tests between shards.
    const shards = read.shards.legsOf.get(key) ?? [...members];
    const pooled = shards.length > 1;
    const gather = (): Observation[] => {
      // Legs read together name their leg; a leg of its own extends the view's fresh list.
      const observations: Observation[] = pooled ? [] : read.index.observationsOf(id, shards[0]!);
      if (pooled)
        for (const leg of shards)
          for (const o of read.index.observationsOf(id, leg)) observations.push({ ...o, leg });
      for (const { leg, outcome } of ran) {
        if (!members.has(leg)) continue;
        const outage = read.outages.has(leg);
        observations.push(
          pooled
            ? { run: read.current, outcome, outage, leg }
            : { run: read.current, outcome, outage },
        );
      }
      if (pooled) observations.sort((a, b) => a.run.time - b.run.time);
      return observations;
    };
    let observations: Observation[] | undefined;
    // Tests whose outcomes are the same in every run get the same verdict: most of a
    // suite passed every time, and is classified once.
    const same = outcomesKey(id, shards, members, ran, read);
    let verdict = same === undefined ? undefined : read.verdicts.get(same);
    if (!verdict) {
      verdict = classify((observations = gather()), { branch, current: read.current });
      if (same !== undefined) read.verdicts.set(same, verdict);
    }
    const legVerdict = {
      verdict,
      get observations(): Observation[] {
        return (observations ??= gather());
      },
    };
    for (const leg of members) legs.set(leg, legVerdict);
    if (!best || LABEL_RANK[verdict.status] < LABEL_RANK[best.status]) best = verdict;
  }
  const statuses = new Set([...legs.values()].map((l) => l.verdict.status));
  const flake: FlakeVerdict =
    statuses.size > 1
      ? {
          ...best!,
          legs: [...legs.keys()].sort().map((leg) => {
            const { status, brokenSince } = legs.get(leg)!.verdict;
            return brokenSince === undefined ? { leg, status } : { leg, status, brokenSince };
          }),
        }
      : best!;
  return { flake, legs, left: ran.length };
}

/** Each test of the run in every leg of its configuration: the history labelling reads. */
function historyKeys(ran: RunOutcomes, shards: LegShards): Array<[string, string]> {
  const keys: Array<[string, string]> = [];
  for (const [id, legs] of ran.legsOfTests()) {
    const read = new Set<string>();
    for (const leg of legs)
      for (const shard of shards.legsOf.get(
        shards.configurationOf.get(leg) ?? configurationOf({ name: leg }),
      ) ?? [leg])
        read.add(shard);
    for (const leg of read) keys.push([id, leg]);
  }
  return keys;
}

/** What a test's verdict in one configuration is made of, as one text; undefined when the history cannot tell. */
function outcomesKey(
  id: string,
  shards: string[],
  members: Set<string>,
  ran: Array<{ leg: string; outcome: TestRecord['outcome'] }>,
  read: ReadRun,
): string | undefined {
  const parts: string[] = [];
  for (const leg of shards) {
    const key = read.index.outcomesKey(id, leg);
    if (key === undefined) return undefined;
    parts.push(leg, key);
  }
  for (const { leg, outcome } of ran) if (members.has(leg)) parts.push(leg, outcome);
  return parts.join('\u0001');
}

function legOutage(index: HistoryView, leg: LegRecord): DiagnosticRecord | undefined {
  const { tests, skipped, failed, error, flaky } = leg.counts;
  const ran = tests - skipped;
  const failing = failed + error + flaky;
  if (!index.isOutage(leg.name, ran, failing)) return undefined;
  return {
    type: 'diagnostic',
    severity: 'warning',
    code: 'flake-outage',
    tool: TOOL,
    leg: leg.name,
    message: `${failing} of ${ran} tests failed in leg ${leg.name} (${percent(failing / ran)}; usually ${percent(index.usualShare(leg.name))}): an outage, so these failures are not taken as evidence of flakiness`,
    hint: 'look for what the leg shared (a service, the runner, the network); the failures still block',
  };
}
