/**
 * The shape of one `lathe` command. Commands live one per file under
 * commands/ and are listed in commands/index.ts; main.ts parses flags from
 * each command's table, prints help from it and runs it.
 */
import type { RpcClient } from '../../src-shared/rpc/core.ts';
import type { Progress } from '../../src-shared/jobs.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in help for string options, e.g. "N". */
  value?: string;
  /** A string option that may be given several times (--param a=1 --param b=2): its flag is a string[]. */
  multiple?: boolean;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
}

export interface CommandArgs {
  positionals: string[];
  /** Parsed flags, by long name (without the dashes). */
  flags: Record<string, string | string[] | boolean | undefined>;
}

export interface CommandContext {
  args: CommandArgs;
  /** --json: print exactly one JSON object on stdout. */
  json: boolean;
  /** The data folder (--data-dir, else LATHE_DATA_DIR, else the per-user default). */
  dataDir: string;
  /** Aborted on Ctrl-C: pass it to long calls so they are cancelled cleanly. */
  signal: AbortSignal;
  /** Opens the engine in-process (once) and gives a client on it. */
  engine(): Promise<RpcClient>;
  /** Reports progress on stderr when it is a terminal; does nothing otherwise. */
  progress(p: Progress): void;
  /** For long-running commands (serve): a line for the person, on stdout. */
  say(line: string): void;
}

/** What a command answers: the JSON object for --json, the text for people. */
export interface CommandResult {
  json: unknown;
  text: string;
}

export interface Command {
  name: string;
  /** One line for `lathe --help`. */
  summary: string;
  positionals: PositionalSpec[];
  /** The command's own flags; --data-dir, --json and --help are added to every command. */
  options: Record<string, OptionSpec>;
  /** Examples shown in `lathe <cmd> --help`. */
  examples?: string[];
  run(ctx: CommandContext): Promise<CommandResult | void>;
}
