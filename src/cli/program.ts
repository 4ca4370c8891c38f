/**
 * The command line: parses it, runs one command, and turns what happened
 * into an exit code (DESIGN.md §5) — the command's own, or one for the kind
 * of error that stopped it. Returns the code; src/cli/main.ts ends the process.
 */
import yargs, { type Argv } from 'yargs';
import { FlopmeterError, UsageError, describeError } from '../core/errors.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type CommandContext } from './context.js';
import { toolInfo } from '../report/provenance.js';
import { signalExitCode, type Interrupts } from './signals.js';

/** The exit codes, for --help and the README. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 all results completed and valid; 1 a result errored or failed verification (report still written), or the command could not do its work; ' +
  '2 bad usage or input (nothing run); 70 internal error (a bug in flopmeter: please report it); ' +
  '130, 143, 129 stopped by SIGINT (Ctrl-C), SIGTERM or SIGHUP: the current step finishes and the partial report is written (none when nothing had been measured yet); a second signal quits at once.';

/** One line for the error that ended the command, and its exit code. */
function failure(err: unknown, stderr: NodeJS.WritableStream): number {
  if (err instanceof UsageError) {
    stderr.write(`flopmeter: ${err.message}\n(see flopmeter --help)\n`);
    return EXIT.USAGE;
  }
  if (err instanceof FlopmeterError) {
    stderr.write(`flopmeter: ${err.message}\n`);
    return EXIT.FAILED_RESULTS;
  }
  const stack = process.env.FLOPMETER_DEBUG && err instanceof Error ? `${err.stack}\n` : '(FLOPMETER_DEBUG=1 shows where)\n';
  stderr.write(`flopmeter: internal error (a bug in flopmeter, not in what it measured; please report it): ${describeError(err)}\n${stack}`);
  return EXIT.INTERNAL;
}

function program(argv: string[], ctx: CommandContext, interrupts: Interrupts, setExitCode: (code: number) => void): Argv {
  const cli = yargs(argv)
    .scriptName('flopmeter')
    .usage('flopmeter — a compute-efficiency meter: verified workloads on CPU and accelerators, with throughput, work per joule and latency, each with its uncertainty.\n\nUsage: $0 [command] [options]')
    .version(toolInfo().version)
    .strict()
    // Words after `--` (a child command line: see ./commands/index.ts) and other plain words stay the strings typed, "1.50" included.
    .parserConfiguration({ 'parse-positional-numbers': false })
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue(EXIT_CODES_HELP)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of COMMANDS) {
    cli.command(c.command as string | readonly string[] as string, c.describe, c.builder, async (args) => {
      if (c.onInterrupt) interrupts.message = c.onInterrupt;
      setExitCode(await c.run(args, ctx));
    });
  }
  return cli;
}

export async function runProgram(argv: string[], interrupts: Interrupts): Promise<number> {
  const ctx: CommandContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    signal: interrupts.signal,
    argv,
  };
  let exitCode: number = EXIT.OK;
  try {
    await program(argv, ctx, interrupts, (code) => (exitCode = code)).parseAsync();
  } catch (err) {
    exitCode = failure(err, ctx.stderr);
  }
  // "Interrupted" is told apart by the signal that did it.
  return exitCode === EXIT.INTERRUPTED && interrupts.first ? signalExitCode(interrupts.first) : exitCode;
}
