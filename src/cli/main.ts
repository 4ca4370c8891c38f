/**
 * The entry point, and the only place that ends the process (DESIGN.md §5).
 * Stop signals are caught first, before the rest of the CLI loads, so that
 * even an early Ctrl-C, SIGTERM or SIGHUP ends the run the documented way
 * (see ./signals.ts); then the command line is parsed and one command runs.
 */
import { Interrupts, tolerateGoneReaders } from './signals.js';
import type { runProgram as RunProgram } from './program.js';

const interrupts = new Interrupts(process.stderr, (code) => process.exit(code));
interrupts.install();
tolerateGoneReaders(process.stdout, process.stderr);

// The arguments after `node bin/flopmeter.js` (this is never an Electron app, where they start one earlier).
const argv = process.argv.slice(2);
let code: number;
if (argv.length === 1 && argv[0] === '--version') {
  // Answered without the command-line parser, which takes longer to load than Node.js takes to start.
  const { toolInfo } = await import('../report/provenance.js');
  process.stdout.write(`${toolInfo().version}\n`);
  code = 0;
} else {
  // ./program.ts with yargs bundled in (scripts/build-cli-bundle.ts): its many small modules load as one file.
  const bundle: string = './program.bundle.js';
  const { runProgram } = (await import(bundle)) as { runProgram: typeof RunProgram };
  code = await runProgram(argv, interrupts);
}
interrupts.uninstall();
// Let stdout drain before leaving (large --json reports through a pipe); a closed one is not waited for.
if (process.stdout.writable) process.stdout.write('', () => process.exit(code));
else process.exit(code);
