import { ExitCode, command, opt, readLedgerFile, shellQuote } from '@testgate/stream';
import { TOOL } from '../filter.js';
import { RUNNERS, selectArgs } from '../select.js';
import { globalOptions, ledgerContext } from './global.js';

/** `quarantine-filter select`: a runner's arguments for one lane. */
export const selectCommand = command(globalOptions, {
  command: 'select',
  describe: 'Print what to pass a runner to run only the quarantined tests, or to leave them out',
  options: {
    lane: opt.oneOf(['blocking', 'quarantine'], {
      demandOption: true,
      describe: 'blocking: everything but the quarantined tests; quarantine: only them',
    }),
    runner: opt.oneOf(RUNNERS, { demandOption: true, describe: 'Whose command line to write' }),
    leg: opt.text({ describe: 'The leg this runs in, for entries restricted to some legs' }),
  },
  examples: [
    ['eval "npx vitest run $($0 select --lane blocking --runner vitest)"', 'the blocking lane'],
    [
      'args=$($0 select --lane quarantine --runner pytest); [ -z "$args" ] || eval "pytest $args"',
      'the quarantine lane',
    ],
  ],
  async run(args, io) {
    const { path, file, today, ifMissing } = ledgerContext(args, io);
    const ledger = await readLedgerFile(path, file, { ifMissing });
    const { lane, runner, leg } = args;
    const selected = selectArgs(ledger, { lane, runner, today, leg });
    if (selected.length === 0)
      io.stderr.write(
        `${TOOL}: no test is quarantined${lane === 'quarantine' ? ': the quarantine lane has nothing to run' : ''}\n`,
      );
    else
      io.stdout.write(
        runner === 'ids' ? `${selected.join('\n')}\n` : `${selected.map(shellQuote).join(' ')}\n`,
      );
    return ExitCode.ok;
  },
});
