import type { Argv } from 'yargs';
import { type CliIo, parseArguments, processIo, runMain, withHouseRules } from './cli-runtime.js';
import { ExitCode } from './errors.js';
import type { OptionKind } from './option-kinds.js';

type OptionKinds = Record<string, OptionKind<unknown>>;

/** What `run` gets: each option's checked value, and the positional words. */
export type ToolArgs<O extends OptionKinds> = { [K in keyof O]: ReturnType<O[K]['read']> } & {
  _: string[];
};

export interface Command<O extends OptionKinds> {
  /** As yargs writes it: `$0 [stream]` for the default command, `history` for another. */
  command: string;
  describe: string;
  /** What the command's named positionals are, for its help. */
  positionals?: Record<string, string>;
  options: O;
  examples?: Array<[string, string]>;
  run(args: ToolArgs<O>, io: CliIo): Promise<number>;
}

interface Tool<O extends OptionKinds> {
  name: string;
  usage: string;
  options: O;
  examples?: Array<[string, string]>;
  epilogue: string;
  run(args: ToolArgs<O>, io: CliIo): Promise<number>;
}

interface ToolWithCommands<O extends OptionKinds> {
  name: string;
  usage: string;
  /** Options every command takes. */
  options: O;
  commands: Array<Command<OptionKinds>>;
  epilogue: string;
}

/** A command of a tool whose `options` every command takes: its run sees both. */
export function command<G extends OptionKinds, O extends OptionKinds>(
  _globals: G,
  spec: Omit<Command<O>, 'run'> & { run(args: ToolArgs<G & O>, io: CliIo): Promise<number> },
): Command<OptionKinds> {
  return spec as unknown as Command<OptionKinds>;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function withOptions(parser: Argv, options: OptionKinds) {
  for (const [name, kind] of Object.entries(options)) parser.option(kebab(name), kind.spec);
  return parser;
}

/** The checked options, and the positional words (a command's named ones first, its name left out). */
function readArgs(
  options: OptionKinds,
  parsed: Record<string, unknown>,
  command?: string,
): Record<string, unknown> {
  const words = (parsed._ as unknown[]).map(String);
  const [name, ...positional] = command?.split(' ') ?? [];
  if (name !== undefined && name !== '$0' && words[0] === name) words.shift();
  const named = positional
    .map((word) => parsed[word.replace(/[[\]<>.]/g, '')])
    .filter((value) => value !== undefined)
    .map(String);
  const args: Record<string, unknown> = { _: [...named, ...words] };
  for (const [key, kind] of Object.entries(options))
    args[key] = kind.read(parsed[key], `--${kebab(key)}`);
  return args;
}

/**
 * A testgate CLI: its usage, its typed options and what it does, on yargs with the house
 * rules (usage errors exit 2, `--help` at 100 columns, no --version). Gives its `main`.
 */
export function defineTool<O extends OptionKinds>(
  tool: Tool<O> | ToolWithCommands<O>,
): (argv: string[], io?: CliIo) => Promise<number> {
  return (argv, io = processIo()) =>
    runMain(tool.name, io, async () => {
      // Loaded when a tool runs, not when the package is imported: a worker thread or a
      // library user that only needs records never pays for yargs.
      const { default: yargs } = await import('yargs');
      const parser = withOptions(yargs(argv).usage(tool.usage), tool.options);
      let chosen: Command<OptionKinds> | undefined;
      if ('commands' in tool) {
        for (const command of tool.commands)
          parser.command(command.command, command.describe, (y) => {
            chosen = command;
            for (const [name, describe] of Object.entries(command.positionals ?? {}))
              y.positional(name, { type: 'string', describe });
            withOptions(y, command.options);
            for (const [line, what] of command.examples ?? []) y.example(line, what);
            return y;
          });
        parser.strict();
      } else {
        for (const [line, what] of tool.examples ?? []) parser.example(line, what);
        parser.strictOptions();
      }
      parser.epilogue(tool.epilogue);
      const parsed = await parseArguments(withHouseRules(parser, tool.name), argv, io);
      if (!parsed) return ExitCode.ok;
      if ('commands' in tool) {
        if (!chosen) return ExitCode.ok;
        const options = { ...tool.options, ...chosen.options };
        return chosen.run(readArgs(options, parsed, chosen.command) as ToolArgs<OptionKinds>, io);
      }
      return tool.run(readArgs(tool.options, parsed) as ToolArgs<O>, io);
    });
}
