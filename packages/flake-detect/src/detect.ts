import type {
  DiagnosticRecord,
  FlakeVerdict,
  HistoryEntry,
  LegRecord,
  QuarantineLedger,
  RunRecord,
  TestRecord,
  TestgateRecord,
} from '@testgate/stream';
import { addDays, compileLedger, utcDay } from '@testgate/quarantine-filter';
import { classify, cleanStreak } from './classify.js';
import { cleanCommitsNeeded } from './estimate.js';
import type { HistoryIndex, RunInfo } from './history-index.js';

export const TOOL = 'flake-detect';

/** Which history the detector needs: the window, without the run being classified. */
export interface HistoryQuery {
  /** The oldest time in the window, ISO 8601. */
  since: string;
  /** The run attempt being classified: its entries, if it was recorded before, are left out. */
  current: RunInfo;
}

export interface DetectOptions {
  /** Length of the history window in milliseconds. */
  windowMs: number;
  /** The clock, for a stream whose run record has no startedAt. */
  now: Date;
  /** The branch whose commits the history rules read; the run's branch by default. */
  branch?: string | undefined;
  /**
   * Keep this run's history lines in `entries`, for recording; off, the detector streams
   * in memory that does not grow with the run.
   * @default true
   */
  keepEntries?: boolean;
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
  return {
    id: test.id,
    leg: test.leg,
    commit: run.commit,
    ...(run.branch === undefined ? {} : { branch: run.branch }),
    run: run.run,
    attempt: run.attempt,
    outcome: test.outcome,
    duration: Math.round(duration * 1e6) / 1e6,
    time: new Date(run.time).toISOString(),
  };
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
      : `failed and passed in reruns of ${where}`;
  const sample = flake.sample!;
  return `failed on ${sample.failures} of ${sample.commits} commits between passes (flake rate at least ${percent(flake.score ?? 0)} at 95% confidence)`;
}

/**
 * Adds a `flake` verdict to every test record of a stream, from this run and the history
 * window, and passes every other record through. Run `detect()` over the records; once
 * it is done, `counts`, `proposals`, `entries` (this run's history lines) and the
 * release candidates in the trailing diagnostics are complete.
 */
export class FlakeDetector {
  readonly counts: StatusCounts = { stable: 0, flaky: 0, suspect: 0, broken: 0, new: 0 };
  readonly entries: HistoryEntry[] = [];
  readonly proposals: Proposal[] = [];
  #run: RunInfo | undefined;

  constructor(
    private readonly loadHistory: (query: HistoryQuery) => Promise<HistoryIndex>,
    private readonly options: DetectOptions,
  ) {}

  /** The run the stream described, once its first record was read. */
  get run(): RunInfo | undefined {
    return this.#run;
  }

  async *detect(records: AsyncIterable<TestgateRecord>): AsyncGenerator<TestgateRecord> {
    const options = this.options;
    const quarantine = options.ledger ? compileLedger(options.ledger) : undefined;
    const needed = cleanCommitsNeeded(options.targetRate ?? 0.02);
    const proposeScore = options.proposeScore ?? 0.01;
    let index: HistoryIndex | undefined;
    const outageLegs = new Set<string>();
    const proposed = new Map<string, { proposal: Omit<Proposal, 'legs'>; legs: Set<string> }>();
    const release = new Map<string, { streak: number; legs: number; clean: number }>();
    let seenRun = false;

    const start = async (record: RunRecord | undefined): Promise<HistoryIndex> => {
      const current = runInfoOf(record, options.now);
      this.#run = current;
      const since = new Date(current.time - options.windowMs).toISOString();
      return this.loadHistory({ since, current });
    };

    for await (const record of records) {
      if (record.type === 'end') continue;
      if (record.type === 'run') {
        // Concatenated streams become one: the first run record speaks for them.
        if (seenRun) continue;
        seenRun = true;
      }
      index ??= await start(record.type === 'run' ? record : undefined);
      const run = this.#run!;
      const branch = options.branch ?? run.branch;
      if (record.type === 'leg') {
        const outage = legOutage(index, record);
        if (outage) {
          outageLegs.add(record.name);
          yield outage;
        }
        yield record;
        continue;
      }
      if (record.type !== 'test') {
        yield record;
        continue;
      }
      const outage = outageLegs.has(record.leg);
      const observations = index.observationsOf(record.id, record.leg);
      observations.push({ run, outcome: record.outcome, outage });
      const flake = classify(observations, { branch, current: run });
      if (outage) flake.outage = true;
      this.counts[flake.status]++;
      if (options.keepEntries !== false) this.entries.push(historyEntryOf(run, record));

      const quarantined = quarantine?.find(record.id, record.leg);
      if (quarantined) {
        const streak = cleanStreak(observations, branch);
        const tally = release.get(record.id) ?? { streak, legs: 0, clean: 0 };
        tally.legs++;
        if (streak >= needed) tally.clean++;
        tally.streak = Math.min(tally.streak, streak);
        release.set(record.id, tally);
      }
      // One failure between passes is as likely a break fixed at once: a suspect is
      // proposed from its second failing commit, and only with enough evidence.
      const proposable =
        flake.status === 'flaky' ||
        (flake.status === 'suspect' &&
          (flake.sample?.failures ?? 0) >= 2 &&
          (flake.score ?? 0) >= proposeScore);
      if (proposable && !quarantined) {
        const group = proposed.get(record.id);
        if (group) group.legs.add(record.leg);
        else {
          const today = utcDay(new Date(run.time));
          proposed.set(record.id, {
            proposal: {
              test: record.id,
              reason: reasonFor(flake),
              quarantinedDate: today,
              deadline: addDays(today, options.proposeDays ?? 14),
              status: flake.status as 'flaky' | 'suspect',
              evidence: flake.evidence.slice(0, 3),
            },
            legs: new Set([record.leg]),
          });
        }
      }
      yield { ...record, flake };
    }
    if (!index) await start(undefined);

    // Proposed for the legs it was flaky in: a reviewer widens the entry if need be.
    for (const { proposal, legs } of proposed.values())
      this.proposals.push({ ...proposal, legs: [...legs].sort() });
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

function legOutage(index: HistoryIndex, leg: LegRecord): DiagnosticRecord | undefined {
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
