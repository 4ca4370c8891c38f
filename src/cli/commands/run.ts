/**
 * `flopmeter run`: the default suite (or a selection) on every available
 * backend, written as a JSON report.
 */
import type { Argv } from 'yargs';
import { ENGINE_IDS } from '../../models/tfjs/engines.js';
import { MIN_EARLIER_RUNS } from '../../measure/between-runs-limits.js';
import { lazyRun, type CommandSpec } from '../context.js';

export interface RunArgs {
  backend?: string[];
  device?: string[];
  probe?: string[];
  engine?: string[];
  preset?: string;
  budget?: string;
  dryRun: boolean;
  param?: string[];
  // Number options arrive as typed (strings), so that a message can quote them.
  threads?: string;
  seed?: string;
  out?: string;
  json: boolean;
  targetCi?: string;
  maxSeconds?: string;
  windows?: string;
  telemetry: boolean;
  interleave: boolean;
  history: boolean;
  sampleHz?: string;
  push?: string;
  pushJob: string;
  pushInstance?: string;
  progress: boolean;
}


/**
 * Most windows --windows may ask for. Why: past a few dozen windows a 95 %
 * interval barely narrows (the t-quantile is within 0.1 % of the normal one),
 * and 1000 one-second windows already hold one result for over a quarter of an hour.
 */
export const MAX_WINDOWS = 1000;
/** The inputs' seed unless --seed says otherwise. */
export const DEFAULT_SEED = 42;
/** Most samples a second a GPU sensor is asked for (sensors update at most every millisecond or so). */
export const MAX_SAMPLE_HZ = 1000;
/** The default run's budget: every backend and probe family in a time a newcomer waits for (issue 14: 5 minutes on the 2-core CI VM). */
export const DEFAULT_BUDGET_SECONDS = 300;
/** The preset of a run that names neither a preset nor a budget but sets --windows, --target-ci or --max-seconds. */
export const DEFAULT_PRESET = 'standard';

export const runCommand: CommandSpec = {
  command: ['run', '$0'],
  describe: 'Run the standard probes (all of them on every available backend unless narrowed) and write a JSON report',
  builder: (y: Argv) =>
    y
      .option('backend', { alias: 'b', type: 'string', array: true, describe: 'Backends to use (comma-separated or repeated); default: every available one' })
      .option('device', { alias: 'd', type: 'string', array: true, describe: 'Devices to use, by id (see `flopmeter devices`), e.g. webgpu1; default: every device of the selected backends' })
      .option('probe', { alias: 'p', type: 'string', array: true, describe: 'Probes to run (comma-separated or repeated); default: all. See `flopmeter probes`' })
      .option('engine', {
        alias: 'e',
        type: 'string',
        array: true,
        describe: `Model probes only: TensorFlow.js engines to use (${ENGINE_IDS.join(', ')}); default: every available engine of each backend (tfjs-cpu, the reference, only in quick)`,
      })
      .option('budget', {
        type: 'string',
        describe: `Plan the run to this time (300, 90s, 20m, 1h30m): every backend and probe family, the sizes, windows and caps that fit, the plan printed first (default when neither --preset nor a stopping option is given: ${DEFAULT_BUDGET_SECONDS / 60} minutes)`,
      })
      .option('preset', {
        type: 'string',
        describe: `Run at a preset instead, taking the time it needs: quick (seconds per result, for CI and a first look; energy figures coarse where the power sensor wants longer windows), standard (the ${DEFAULT_PRESET} one with --windows, --target-ci or --max-seconds), or full (reference-grade). With --budget: the preset's sizes and procedure, planned to the budget`,
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan (results, estimated time, what is left out and why) and stop without measuring' })
      .option('param', { type: 'string', array: true, describe: 'Override a parameter of the selected probes: [probe.]name=value[,value...], e.g. gemm.n=1024,2048 or n=2^20 (repeatable)' })
      .option('threads', { type: 'string', describe: 'CPU worker threads (default: one per logical CPU)' })
      .option('seed', { type: 'string', describe: `Seed for the inputs (same seed, same inputs on every machine; default ${DEFAULT_SEED})` })
      .option('out', { alias: 'o', type: 'string', describe: 'Report file (default: flopmeter-<UTC time>.json in the current directory). A file is replaced atomically (a symlink is followed, the link kept); a FIFO or character device is written in place, not atomically; a socket, block device or read-only file is refused' })
      .option('json', { type: 'boolean', default: false, describe: 'Also print the report as JSON on stdout (the summary goes to stderr)' })
      .option('target-ci', { type: 'string', describe: 'Stop when the 95 % half-width of throughput is within this many per cent (default: the preset’s)' })
      .option('max-seconds', { type: 'string', describe: 'Time cap on measuring one result, seconds (default: the preset’s); applies to --windows too' })
      .option('windows', { type: 'string', describe: `Measure this many windows per result (2 to ${MAX_WINDOWS}) instead of stopping on the confidence target; the time cap still applies` })
      .option('interleave', {
        type: 'boolean',
        default: true,
        describe: 'Measure each device’s results a block at a time, in a random order each round, so that each result’s blocks span the whole run and its interval reflects the host’s changes over it (--no-interleave: each result in one stretch, one after another)',
      })
      .option('history', {
        type: 'boolean',
        default: true,
        describe:
          `Include in each interval the scatter between runs that this host’s earlier runs of the same result showed beyond what each stated (once it has ${MIN_EARLIER_RUNS}), and record this run’s results for the next; kept in $FLOPMETER_HISTORY, else $XDG_STATE_HOME/flopmeter/history.jsonl, else ~/.local/state/flopmeter/history.jsonl. --no-history (or FLOPMETER_HISTORY=off): neither, e.g. to compare before and after a change whose runs the history would pool`,
      })
      .option('telemetry', { type: 'boolean', default: true, describe: 'Sample power, clocks and temperatures (--no-telemetry to switch off)' })
      .option('sample-hz', { type: 'string', describe: 'Sampling rate of GPU power sensors (NVML, nvidia-smi, amdgpu), Hz (default 20 for NVML, 10 for amdgpu)' })
      .option('push', { type: 'string', describe: 'Also push the results to a Prometheus Pushgateway at this URL' })
      .option('push-job', { type: 'string', default: 'flopmeter', describe: 'Pushgateway job label' })
      .option('push-instance', { type: 'string', describe: 'Pushgateway instance label (default: this host name)' })
      .option('progress', { type: 'boolean', default: true, describe: 'Show progress on a terminal (--no-progress to hide)' })
      .example('$0', `every backend and probe family in about ${DEFAULT_BUDGET_SECONDS / 60} minutes`)
      .example('$0 run --budget 20m', 'the same, planned to 20 minutes (larger sizes and longer measurements where they fit)')
      .example('$0 run --preset standard', 'the standard suite, taking the time it needs')
      .example('$0 run --preset quick --probe stream,gemm', 'a quick look at memory bandwidth and GEMM')
      .example('$0 run -b cpu -p gemm --param gemm.n=4096 --threads 8 -o gemm.json', 'one GEMM size on 8 threads')
      .example('$0 run -p mlp,transformer --engine tfjs-wasm,tfjs-webgpu', 'model probes on two TensorFlow.js engines')
      .example('$0 run -p cnn --param scenario=single-stream --preset quick', 'one model scenario, every engine'),
  run: lazyRun(() => import('../actions/run.js')),
};
