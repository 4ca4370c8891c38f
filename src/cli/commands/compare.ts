/**
 * `flopmeter compare A.json B.json [...]`: the same workloads in several
 * reports side by side, each against the baseline with a ratio, its 95 %
 * interval and a verdict; hosts and devices beside them.
 */
import type { Argv } from 'yargs';
import { FORMATS } from '../formats.js';
import { lazyRun, type CommandSpec } from '../context.js';

export interface CompareArgs {
  files: string[];
  baseline?: string;
  by?: string;
  force: boolean;
  format?: string;
  out?: string;
}

export const compareCommand: CommandSpec = {
  command: 'compare <files..>',
  describe: 'Compare reports: ratios to a baseline with 95 % intervals and verdicts, devices and settings side by side',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'Two or more flopmeter JSON reports (one column each)', demandOption: true })
      .option('baseline', { type: 'string', describe: 'The report the others are compared with (default: the first)' })
      .option('by', { type: 'string', describe: 'Split each report into one column per value of this parameter, e.g. engine (then one report is enough, and --baseline may name a value)' })
      .option('force', { type: 'boolean', default: false, describe: 'Compare results whose probe definitions differ (marked as forced)' })
      .option('format', { alias: 'f', type: 'string', choices: FORMATS, describe: 'text (default), md, html or json; default from --out’s extension' })
      .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout: atomically (a symlink is followed, the link kept); a FIFO or character device in place; a socket or read-only file is refused' })
      .example('flopmeter compare run.json --by engine --baseline tfjs-wasm', 'one run’s TensorFlow.js engines side by side')
      .example('flopmeter compare before.json after.json', 'faster, slower or no significant difference, per result')
      .example('flopmeter compare node*.json --baseline node1.json -o fleet.html', 'a fleet, one column per report, with charts'),
  run: lazyRun(() => import('../actions/compare.js')),
};
