/**
 * `flopmeter probes`: the standard probes, their parameters, preset sizes and
 * the backends that implement them.
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export const probesCommand: CommandSpec = {
  command: 'probes',
  describe: 'List the standard probes with their parameters and preset sizes',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }),
  run: lazyRun(() => import('../actions/probes.js')),
};
