import { resolve } from 'node:path';
import yargs from 'yargs';
import {
  type CliIo,
  type QuarantineLedger,
  ExitCode,
  ExitError,
  RecordWriter,
  UsageError,
  parseArguments,
  withHouseRules,
  withLock,
  writeFileAtomically,
  openStreamInput,
  processIo,
  readRecords,
  runMain,
  oneLine,
  shellQuote,
} from '@testgate/stream';
import { addEntry, formatList, listEntries, removeEntry } from './commands.js';
import { isCalendarDate, utcDay } from './dates.js';
import { TOOL, applyQuarantine } from './filter.js';
import { type Lane, type Runner, selectArgs } from './select.js';
import { formatLedger, readLedgerFile } from './ledger.js';

const USAGE = `quarantine-filter [stream] --file quarantine.json [options]
quarantine-filter <add|remove|list|check|select> [options]

Marks quarantined tests in a testgate stream: they still run and show, but their failures
no longer block, until their deadline. The commands keep the ledger.`;

type Parsed = Record<string, unknown> & { _: unknown[] };

async function parse(argv: string[], io: CliIo): Promise<Parsed | undefined> {
  const parser = withHouseRules(
    yargs(argv)
      .usage(USAGE)
      .option('file', {
        alias: 'f',
        type: 'string',
        default: 'quarantine.json',
        describe: 'The ledger',
      })
      .option('today', {
        type: 'string',
        describe: 'Today as YYYY-MM-DD, UTC (default: the clock)',
      })
      .command(
        '$0 [stream]',
        'Mark the quarantined tests of a stream (file or stdin) and pass it on',
        (y) =>
          y
            .positional('stream', {
              type: 'string',
              describe: 'A testgate stream; stdin when left out',
            })
            .option('expired', {
              choices: ['fail', 'warn'] as const,
              default: 'fail' as const,
              describe:
                'fail: an expired entry blocks again (error); warn: still excused (warning)',
            })
            .option('max-excused', {
              type: 'number',
              default: 10,
              describe: 'More excused failures than this in one run withdraws the excuse',
            })
            .option('mass-failure', {
              type: 'number',
              default: 30,
              describe:
                'Percent of tests failing outside quarantine that makes a run a mass failure',
            })
            .example(
              'junit-merge "artifacts/**/*.xml" | $0 --file quarantine.json | gate-verdict',
              'the gate with a quarantine',
            ),
      )
      .command('add', 'Quarantine a test, with an owner, a reason and a deadline', (y) =>
        y
          .option('test', { type: 'string', describe: 'Test id, or a glob over ids with *' })
          .option('owner', { type: 'string', describe: 'Who fixes it' })
          .option('reason', { type: 'string', describe: 'Why it is quarantined' })
          .option('days', { type: 'number', describe: 'Deadline in days from today' })
          .option('deadline', { type: 'string', describe: 'Deadline, YYYY-MM-DD' })
          .option('issue', { type: 'string', describe: 'Link to the issue that tracks the fix' })
          .option('legs', {
            type: 'string',
            array: true,
            describe: 'Only in legs matching these globs',
          })
          .option('max-days', {
            type: 'number',
            default: 30,
            describe: 'Longest allowed quarantine',
          })
          .example(
            "$0 add --test 'api::retries on timeout' --owner team-api --reason 'races the mock clock' --days 14",
            'quarantine one test for two weeks',
          ),
      )
      .command('remove', 'Take a test out of quarantine', (y) =>
        y
          .option('test', { type: 'string', demandOption: true, describe: "The entry's test" })
          .example("$0 remove --test 'api::retries on timeout'", 'take one test out of quarantine'),
      )
      .command('list', 'Show the entries, overdue first', (y) =>
        y
          .option('json', { type: 'boolean', default: false, describe: 'As JSON, with days left' })
          .example('$0 list', 'who owns what, and how long it has left'),
      )
      .command(
        'select',
        'Print what to pass a runner to run only the quarantined tests, or to leave them out',
        (y) =>
          y
            .option('lane', {
              choices: ['blocking', 'quarantine'] as const,
              demandOption: true,
              describe: 'blocking: everything but the quarantined tests; quarantine: only them',
            })
            .option('runner', {
              choices: ['vitest', 'jest', 'pytest', 'playwright', 'go', 'ids'] as const,
              demandOption: true,
              describe: 'Whose command line to write',
            })
            .option('leg', {
              type: 'string',
              describe: 'The leg this runs in, for entries restricted to some legs',
            })
            .example(
              'eval "npx vitest run $($0 select --lane blocking --runner vitest)"',
              'the blocking lane',
            )
            .example(
              'args=$($0 select --lane quarantine --runner pytest); [ -z "$args" ] || eval "pytest $args"',
              'the quarantine lane',
            ),
      )
      .command('check', 'Exit 1 when an entry is past its deadline (for a scheduled job)', (y) =>
        y.example('$0 check', 'in a scheduled job: red when a deadline has passed'),
      )
      .epilogue(
        'Exit codes: 0 done, 1 check found overdue entries, 2 usage error or unusable ledger or stream.',
      )
      .strict(),
    TOOL,
  );
  return (await parseArguments(parser, argv, io)) as Parsed | undefined;
}

/** Runs quarantine-filter with `argv` (without node and script) against the given process I/O. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runMain(TOOL, io, async () => {
    const args = await parse(argv, io);
    if (!args) return ExitCode.ok;
    const today = args.today === undefined ? utcDay(io.now()) : checkDay(args.today as string);
    const file = args.file as string;
    const path = resolve(io.cwd, file);
    const ifMissing = (notice: string) => io.stderr.write(`${TOOL}: ${oneLine(notice)}\n`);
    switch (args._[0]) {
      case 'add': {
        // Under the ledger's lock, read, add and rename: parallel adds lose nothing.
        const next = (await withLock(path, `${path}.lock`, true, async () => {
          const ledger = await readLedgerFile(path, file, { ifMissing: () => {} });
          const added = addEntry(
            ledger,
            args as Parameters<typeof addEntry>[1],
            today,
            args.maxDays as number,
          );
          await writeFileAtomically(path, formatLedger(added));
          return added;
        }))!;
        io.stderr.write(
          `${TOOL}: quarantined ${JSON.stringify(args.test)} until ${next.quarantined.at(-1)!.deadline} in ${file}\n`,
        );
        return ExitCode.ok;
      }
      case 'remove': {
        await withLock(path, `${path}.lock`, true, async () =>
          writeFileAtomically(
            path,
            formatLedger(removeEntry(await readLedgerFile(path, file), args.test as string)),
          ),
        );
        io.stderr.write(`${TOOL}: removed ${JSON.stringify(args.test)} from ${file}\n`);
        return ExitCode.ok;
      }
      case 'list': {
        const entries = listEntries(await readLedgerFile(path, file, { ifMissing }), today);
        io.stdout.write(
          args.json
            ? `${JSON.stringify(entries, null, 2)}\n`
            : formatList(entries).split('\n').map(oneLine).join('\n'),
        );
        return ExitCode.ok;
      }
      case 'select': {
        const ledger = await readLedgerFile(path, file, { ifMissing });
        const selected = selectArgs(ledger, {
          lane: args.lane as Lane,
          runner: args.runner as Runner,
          today,
          leg: args.leg as string | undefined,
        });
        if (selected.length === 0) {
          io.stderr.write(
            `${TOOL}: no test is quarantined${args.lane === 'quarantine' ? ': the quarantine lane has nothing to run' : ''}\n`,
          );
          return ExitCode.ok;
        }
        io.stdout.write(
          args.runner === 'ids'
            ? `${selected.join('\n')}\n`
            : `${selected.map(shellQuote).join(' ')}\n`,
        );
        return ExitCode.ok;
      }
      case 'check': {
        const overdue = listEntries(await readLedgerFile(path, file, { ifMissing }), today).filter(
          (e) => e.daysLeft < 0,
        );
        if (overdue.length === 0) return ExitCode.ok;
        const lines = overdue.map(
          (e) => `  ${e.test} (owner ${e.owner}): ${-e.daysLeft} day(s) past ${e.deadline}`,
        );
        throw new ExitError(
          ExitCode.red,
          `${overdue.length} quarantine entr${overdue.length === 1 ? 'y is' : 'ies are'} overdue:\n${lines.map(oneLine).join('\n')}`,
          {
            place: { file },
            hint: 'fix each test and remove its entry, or extend its deadline with a reason',
          },
        );
      }
      default:
        return filter(args, await readLedgerFile(path, file, { ifMissing }), today, io);
    }
  });
}

async function filter(
  args: Parsed,
  ledger: QuarantineLedger,
  today: string,
  io: CliIo,
): Promise<number> {
  const massFailure = args.massFailure as number;
  if (!(massFailure > 0 && massFailure <= 100))
    throw new UsageError(
      `--mass-failure must be a percentage above 0, got: ${String(massFailure)}`,
    );
  const maxExcused = args.maxExcused as number;
  if (!Number.isInteger(maxExcused) || maxExcused < 0)
    throw new UsageError(`--max-excused must be a whole number, got: ${String(maxExcused)}`);
  const stream = args.stream as string | undefined;
  const { input, file: source } = await openStreamInput(stream, io, TOOL);
  const writer = new RecordWriter(io.stdout, { tool: TOOL });
  const records = readRecords(input, { file: source });
  const options = {
    today,
    expired: args.expired as 'fail' | 'warn',
    maxExcused,
    massFailure: massFailure / 100,
  };
  await writer.writeAll(applyQuarantine(records, ledger, options));
  await writer.end();
  return ExitCode.ok;
}

function checkDay(value: string): string {
  if (!isCalendarDate(value))
    throw new UsageError(`--today must be a date YYYY-MM-DD, got: ${JSON.stringify(value)}`);
  return value;
}
