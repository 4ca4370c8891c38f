/**
 * What a command gets from the entry point: streams, whether a person is
 * watching, and the signal that says the user asked to stop. Commands return
 * an exit code; only src/cli/main.ts ends the process.
 */
import type { Argv } from 'yargs';

export interface CommandContext {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal (progress display on). */
  interactive: boolean;
  signal: AbortSignal;
  /** The arguments as given, for the report's provenance. */
  argv: string[];
}

/**
 * A command as data: its yargs shape and what it does. A spec stays cheap to
 * import (the CLI loads every one to parse the command line and print --help):
 * what the command does lives in its action module (src/cli/actions/), which
 * `run` loads only when the command runs (see `lazyRun`).
 */
export interface CommandSpec {
  command: string | readonly string[];
  describe: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builder: (y: Argv) => Argv<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (args: any, ctx: CommandContext) => Promise<number>;
  /** What the first Ctrl-C does, told to the user (default: a run's partial report). */
  onInterrupt?: string;
}

/** A command's action module: what the command does, with the heavy imports that takes. */
export interface CommandAction<A> {
  run(args: A, ctx: CommandContext): Promise<number>;
}

/**
 * A CommandSpec's `run` that imports the action module on first use, so that
 * the other commands (and --help, --version) start without its imports.
 */
export function lazyRun<A>(load: () => Promise<CommandAction<A>>): (args: A, ctx: CommandContext) => Promise<number> {
  return async (args, ctx) => (await load()).run(args, ctx);
}

/**
 * Exit codes (DESIGN.md §5). INTERNAL is sysexits.h's EX_SOFTWARE, the
 * conventional code for a program's own fault; INTERRUPTED becomes 128 + the
 * number of the signal that stopped the run (see signals.ts).
 */
export const EXIT = { OK: 0, FAILED_RESULTS: 1, USAGE: 2, INTERNAL: 70, INTERRUPTED: 130 } as const;
