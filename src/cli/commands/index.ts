/** The commands, as data; the entry point registers them in this order. */
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
