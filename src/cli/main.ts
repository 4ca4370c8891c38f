/**
 * The entry point, and the only place that ends the process (DESIGN.md §5).
 * Stop signals are caught first, before the rest of the CLI loads, so that
 * even an early Ctrl-C, SIGTERM or SIGHUP ends the run the documented way
 * (see ./signals.ts); then the command line is parsed and one command runs.
 */
import { hideBin } from 'yargs/helpers';
import { Interrupts, tolerateGoneReaders } from './signals.js';

const interrupts = new Interrupts(process.stderr, (code) => process.exit(code));
interrupts.install();
tolerateGoneReaders(process.stdout, process.stderr);

const { runProgram } = await import('./program.js');
const code = await runProgram(hideBin(process.argv), interrupts);
interrupts.uninstall();
// Let stdout drain before leaving (large --json reports through a pipe); a closed one is not waited for.
if (process.stdout.writable) process.stdout.write('', () => process.exit(code));
else process.exit(code);
