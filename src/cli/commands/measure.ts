/**
 * `flopmeter measure -- CMD [ARGS…]`: any command measured as it runs —
 * energy, power and, where it reports its work, throughput, work per joule
 * and energy per unit of work — written as a JSON report.
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export interface MeasureArgs {
  /** Before a `--`: the command's words yargs read as this positional. */
  command?: string[];
  /** yargs' leftovers: "measure", then the words after `--` (never parsed as options). */
  _: Array<string | number>;
  workload?: string;
  workUnit: string;
  // Number options arrive as typed (strings), so that a message can quote them.
  work?: string;
  device?: string[];
  idle: string;
  out?: string;
  json: boolean;
  sampleHz?: string;
  push?: string;
  pushJob: string;
  pushInstance?: string;
}

/** Idle baseline before the command, seconds, unless --idle says otherwise (a few of the slowest sensors' updates and averaging). */
export const DEFAULT_IDLE_SECONDS = 5;
/** The unit of work unless --work-unit names it. */
export const DEFAULT_WORK_UNIT = 'unit';

export const measureCommand: CommandSpec = {
  command: 'measure [command..]',
  describe: 'Measure any command as it runs (energy, power; throughput and energy per unit where it reports its work) and write a JSON report',
  builder: (y: Argv) =>
    y
      .positional('command', { type: 'string', array: true, describe: 'The command and its arguments, after --' })
      .option('workload', { type: 'string', describe: 'What the command is, as NAME@VERSION (e.g. llama-serve@1.4): compare calls two results comparable only when both declare the same' })
      .option('work-unit', { type: 'string', default: DEFAULT_WORK_UNIT, describe: 'The unit the command counts its work in, e.g. token, request, sample, step' })
      .option('work', { type: 'string', describe: 'The total work done, for a command that cannot report it on FLOPMETER_WORK_FD (spread over the run at its mean rate)' })
      .option('device', { alias: 'd', type: 'string', array: true, describe: 'Telemetry devices to measure (comma-separated or repeated; see `flopmeter devices`); default: every one with a power or energy sensor' })
      .option('idle', { type: 'string', default: `${DEFAULT_IDLE_SECONDS}s`, describe: 'Idle baseline before the command starts (5s, 30s, 1m); 0 skips it' })
      .option('out', { alias: 'o', type: 'string', describe: 'Report file (default: flopmeter-<UTC time>.json in the current directory), written as for `run --out`' })
      .option('json', { type: 'boolean', default: false, describe: 'Also print the report as JSON on stdout (the summary, and the command\'s own stdout, go to stderr)' })
      .option('sample-hz', { type: 'string', describe: 'Sampling rate of GPU power sensors (NVML, nvidia-smi, amdgpu), Hz' })
      .option('push', { type: 'string', describe: 'Also push the results to a Prometheus Pushgateway at this URL' })
      .option('push-job', { type: 'string', default: 'flopmeter', describe: 'Pushgateway job label' })
      .option('push-instance', { type: 'string', describe: 'Pushgateway instance label (default: this host name)' })
      .epilogue(
        'Work protocol: the command gets FLOPMETER_WORK_FD (an inherited file descriptor) and FLOPMETER_WORK_FILE (a FIFO) and may write JSON lines on either: ' +
          '{"work": N} adds N units; {"latency": S} or {"latencies": [S, …]} records request latencies in seconds; {"mark": "warmup-done"} starts the measured part. ' +
          'Malformed lines are counted and skipped. Helpers: examples/flopmeter_work.py, examples/flopmeter-work.mjs. ' +
          'The command exiting non-zero gives an errored result (report still written, exit 1); Ctrl-C is forwarded to it as SIGINT (partial report, exit 130).',
      )
      .example('$0 measure --workload my-server@2.1 --work-unit token -- python3 serve_bench.py', 'energy per generated token of a serving benchmark')
      .example('$0 measure --work 1000 --work-unit step -- ./train --steps 1000', 'a command that cannot report its work: the total given'),
  run: lazyRun(() => import('../actions/measure.js')),
  onInterrupt: 'stopping the command (SIGINT forwarded) and writing the partial report',
};
