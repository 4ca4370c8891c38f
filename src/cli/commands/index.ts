/**
 * The commands, as data; the entry point registers them in this order. Each
 * spec is yargs' (command, describe, builder) with a lazy `run`; the build
 * bundles these specs with yargs (scripts/build-cli-bundle.ts), so a spec may
 * import only plain data and functions from src/cli, and anything else as
 * usual (it stays its own module).
 *
 * A command that runs a child command line (`flopmeter measure [options] --
 * CMD ARGS...`) finds it, as yargs' default parser configuration gives it, in
 * `args._` after the command's own name: for `flopmeter measure --budget 5 --
 * python train.py --lr 0.10`, `args._` is ['measure', 'python', 'train.py',
 * '--lr', '0.10'] and `args.budget` 5. Everything after `--` is passed through
 * untouched: not parsed as options, not refused by strict mode, and each word
 * the string typed (program.ts turns off yargs' number parsing of plain words).
 */
import type { CommandSpec } from '../context.js';
import { runCommand } from './run.js';
import { devicesCommand } from './devices.js';
import { probesCommand } from './probes.js';
import { serveCommand } from './serve.js';
import { reportCommand } from './report.js';
import { compareCommand } from './compare.js';
import { keygenCommand } from './keygen.js';
import { signCommand } from './sign.js';
import { verifyCommand } from './verify.js';
import { measureCommand } from './measure.js';

export const COMMANDS: readonly CommandSpec[] = [runCommand, devicesCommand, probesCommand, serveCommand, reportCommand, compareCommand, keygenCommand, signCommand, verifyCommand, measureCommand];
