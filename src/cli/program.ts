/**
 * The entry point: parses the command line, runs one command, and is the
 * only place that ends the process (DESIGN.md §5). The first Ctrl-C stops the
 * run gracefully (finished results kept, report written, exit 130); a second
 * one quits at once.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FlopmeterError, UsageError, describeError } from '../core/errors.js';
import { COMMANDS } from './commands/index.js';
import { EXIT, type CommandContext } from './context.js';
import { toolInfo } from '../report/provenance.js';

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interruptMessage = 'finishing the current step and writing the partial report';
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    process.stderr.write(`\ninterrupted: ${interruptMessage} (press Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const ctx: CommandContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    signal: controller.signal,
    argv,
  };
  let exitCode: number = EXIT.OK;
  const cli = yargs(argv)
    .scriptName('flopmeter')
    .usage('flopmeter — a compute-efficiency meter: verified workloads on CPU and accelerators, with throughput, work per joule and latency, each with its uncertainty.\n\nUsage: $0 [command] [options]')
    .version(toolInfo().version)
    .strict()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 all results completed and valid; 1 a result errored or failed verification (report still written); 2 bad usage or input (nothing run); 130 interrupted (partial report written).')
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of COMMANDS) {
    cli.command(c.command as string | readonly string[] as string, c.describe, c.builder, async (args) => {
      if (c.onInterrupt) interruptMessage = c.onInterrupt;
      exitCode = await c.run(args, ctx);
    });
  }
  try {
    await cli.parseAsync();
    return exitCode;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`flopmeter: ${err.message}\n(see flopmeter --help)\n`);
      return EXIT.USAGE;
    }
    if (err instanceof FlopmeterError) {
      process.stderr.write(`flopmeter: ${err.message}\n`);
      return EXIT.FAILED_RESULTS;
    }
    process.stderr.write(`flopmeter: internal error: ${describeError(err)}\n${process.env.FLOPMETER_DEBUG && err instanceof Error ? `${err.stack}\n` : ''}`);
    return EXIT.FAILED_RESULTS;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const code = await main(hideBin(process.argv));
// Let stdout drain before leaving (large --json reports through a pipe).
process.stdout.write('', () => process.exit(code));
