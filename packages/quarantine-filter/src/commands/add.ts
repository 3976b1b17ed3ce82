import {
  type CliIo,
  ExitCode,
  NO_SIGNATURE,
  UsageError,
  command,
  formatLedger,
  opt,
  readLedgerFile,
  usageFor,
  withLock,
  writeFileAtomically,
} from '@testgate/stream';
import { addEntry } from '../entries.js';
import { TOOL } from '../filter.js';
import { failureIn } from '../from-stream.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter add`: quarantine a test. */
export const addCommand = command(globalOptions, {
  command: 'add',
  describe: 'Quarantine a test, with an owner, a reason and a deadline',
  options: {
    test: opt.text({ describe: 'Test id, or a glob over ids with *' }),
    owner: opt.text({ describe: 'Who fixes it' }),
    reason: opt.text({ describe: 'Why it is quarantined' }),
    days: opt.int({ describe: 'Deadline in days from today' }),
    deadline: opt.isoDate({ describe: 'Deadline, YYYY-MM-DD' }),
    issue: opt.text({ describe: 'Link to the issue that tracks the fix' }),
    legs: opt.texts({ array: true, describe: 'Only in legs matching these globs' }),
    maxDays: opt.int({ default: 30, describe: 'Longest allowed quarantine' }),
    signature: opt.text({ describe: 'Excuse only failures with this signature (sig1:…)' }),
    from: opt.text({
      describe: "A saved stream: take the signature and the legs from the test's failure in it",
    }),
  },
  examples: [
    [
      "$0 add --test 'api::retries on timeout' --owner team-api --reason 'races the mock clock' --days 14",
      'quarantine one test for two weeks',
    ],
    [
      "$0 add --test 'api::retries on timeout' --owner team-api --reason 'races the mock clock' --days 14 --from run.jsonl",
      'only for the way it failed in that run',
    ],
  ],
  async run(args, io) {
    const { path, file, today } = ledgerContext(args, io);
    const request = { ...args, ...(await pinned(args, io)) };
    // Under the ledger's lock, read, add and rename: parallel adds lose nothing.
    const next = (await withLock(path, `${path}.lock`, true, async () => {
      const ledger = await readLedgerFile(path, file, { ifMissing: () => {} });
      let added;
      try {
        added = addEntry(ledger, request, today, args.maxDays);
      } catch (error) {
        throw usageFor('--', error);
      }
      await writeFileAtomically(path, formatLedger(added));
      return added;
    }))!;
    const { deadline, signature } = next.quarantined.at(-1)!;
    const only = signature === undefined ? '' : ` for failing with ${signature}`;
    io.stderr.write(
      `${TOOL}: quarantined ${JSON.stringify(args.test)}${only} until ${deadline} in ${file}\n`,
    );
    return ExitCode.ok;
  },
});

/** With --from: the signature (unless given) and the legs (unless given) of the test's failure there. */
async function pinned(
  args: {
    test?: string | undefined;
    from?: string | undefined;
    signature?: string | undefined;
    legs?: string[] | undefined;
  },
  io: CliIo,
): Promise<{ signature?: string; legs?: string[] }> {
  if (args.from === undefined || args.test === undefined) return {};
  const seen = await failureIn(args.from, args.test, io, TOOL);
  let { signature } = args;
  if (signature === undefined) {
    if (seen.signatures.length !== 1 || seen.signatures[0] === NO_SIGNATURE)
      throw new UsageError(
        `--from ${args.from}: ${JSON.stringify(args.test)} failed with ${seen.signatures.length} signature(s) there (${seen.signatures.join(', ')}): give the one to excuse with --signature`,
      );
    signature = seen.signatures[0];
  }
  return { signature, legs: args.legs ?? seen.legs };
}
