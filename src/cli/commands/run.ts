/**
 * `flopmeter run`: the default suite (or a selection) on every available
 * backend, written as a JSON report.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { hostname } from 'node:os';
import { UsageError, describeError } from '../../core/errors.js';
import { pushResults } from '../../exporter/push.js';
import { defaultThreads } from '../../backends/cpu/index.js';
import type { ParamOverride } from '../../measure/plan.js';
import type { Result } from '../../measure/result.js';
import { runSuite, type ProgressEvent, type SuiteOutcome } from '../../measure/suite.js';
import type { Backend } from '../../backends/backend.js';
import { BACKENDS } from '../../backends/index.js';
import type { AnyProbe, PresetId } from '../../core/probe.js';
import { buildReport, serializeReport } from '../../report/build.js';
import { renderSummary } from '../../report/summary.js';
import { checkWritable, defaultReportPath, writeAtomic } from '../../report/write.js';
import { ProgressDisplay } from '../progress.js';
import { PlanPrinter } from '../plan-view.js';
import { ResultLog } from '../result-log.js';
import { givenNames, selectBackends, selectEngines, selectPreset, selectProbes, splitList } from '../select.js';
import { durationOption, numberOption } from '../numbers.js';
import { parseParams } from '../params.js';
import { ENGINE_IDS } from '../../models/tfjs/engines.js';
import { EXIT, type CommandContext, type CommandSpec } from '../context.js';
import { MODEL_PROBES, PROBES } from '../../../probes/index.js';

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
const MAX_WINDOWS = 1000;
/** The inputs' seed unless --seed says otherwise. */
const DEFAULT_SEED = 42;
/** Most samples a second a GPU sensor is asked for (sensors update at most every millisecond or so). */
const MAX_SAMPLE_HZ = 1000;
/** The default run's budget: every backend and probe family in a time a newcomer waits for (issue 14: 5 minutes on the 2-core CI VM). */
const DEFAULT_BUDGET_SECONDS = 300;
/** The preset of a run that names neither a preset nor a budget but sets --windows, --target-ci or --max-seconds. */
const DEFAULT_PRESET = 'standard';

/** The run as the options ask for it, every value checked (UsageError otherwise). */
interface RunSettings {
  backends: Backend[];
  engines: string[];
  probes: AnyProbe[];
  preset: PresetId;
  /** The run's time budget, seconds, or null for a run at a preset. */
  budgetSeconds: number | null;
  /** True when the user named the preset. */
  presetGiven: boolean;
  overrides: ParamOverride[];
  warnings: string[];
  threads: number | undefined;
  seed: number;
  targetCi: number | undefined;
  maxSeconds: number | undefined;
  windows: number | undefined;
  sampleHz: number | undefined;
  out: string;
}

function settingsFrom(args: RunArgs): RunSettings {
  const backends = selectBackends(givenNames('--backend', args.backend, `valid: ${BACKENDS.map((b) => b.id).join(', ')}`));
  const engines = selectEngines(givenNames('--engine', args.engine, `valid: ${ENGINE_IDS.join(', ')}`));
  givenNames('--device', args.device, 'see `flopmeter devices`');
  // --engine alone means the model probes (only they have engines).
  const probes = args.probe === undefined && engines.length ? [...MODEL_PROBES] : selectProbes(givenNames('--probe', args.probe, `valid: ${PROBES.map((p) => p.id).join(', ')}`));
  const { overrides, warnings } = parseParams(args.param, probes);
  if (engines.length) overrides.push({ probe: null, key: 'engine', values: engines });
  const settings: RunSettings = {
    backends,
    engines,
    probes,
    preset: selectPreset(args.preset ?? DEFAULT_PRESET),
    presetGiven: args.preset !== undefined,
    budgetSeconds: budgetOf(args),
    overrides,
    warnings,
    seed: numberOption('--seed', args.seed, { integer: true, min: 0 }) ?? DEFAULT_SEED,
    out: args.out ?? defaultReportPath(),
    threads: numberOption('--threads', args.threads, { integer: true }),
    targetCi: numberOption('--target-ci', args.targetCi),
    maxSeconds: numberOption('--max-seconds', args.maxSeconds),
    windows: numberOption('--windows', args.windows, { integer: true, min: 2, minWhy: 'two are needed for an uncertainty', max: { value: MAX_WINDOWS, why: 'more add nothing to the interval; --max-seconds caps the time in any case' } }),
    sampleHz: numberOption('--sample-hz', args.sampleHz, { max: { value: MAX_SAMPLE_HZ, why: 'sensors update no faster' } }),
  };
  if (args.push !== undefined && !/^https?:\/\/[^/]+/.test(args.push)) throw new UsageError(`--push ${args.push}: expected the Pushgateway's URL, e.g. http://pushgateway:9091`);
  return settings;
}

/**
 * The budget: --budget's, or the default run's when neither a preset nor a stopping option is given; null for a
 * run at a preset. --budget sets each result's windows and cap itself, so it refuses the options that would too.
 */
function budgetOf(args: RunArgs): number | null {
  const stopping = (['windows', 'targetCi', 'maxSeconds'] as const).filter((k) => args[k] !== undefined);
  const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const budget = durationOption('--budget', args.budget);
  if (budget !== undefined && stopping.length) throw new UsageError(`--budget plans each result's windows and time cap itself; drop ${stopping.map(flag).join(', ')} or the budget`);
  if (budget !== undefined) return budget;
  return args.preset === undefined && stopping.length === 0 ? DEFAULT_BUDGET_SECONDS : null;
}

/** A result that says something about the device (an aborted or skipped one does not). */
function measured(r: Result): boolean {
  return r.status === 'completed' || r.status === 'invalid' || r.status === 'errored';
}

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
  async run(args: RunArgs, ctx) {
    const settings = settingsFrom(args);
    await checkWritable(settings.out);
    for (const w of settings.warnings) ctx.stderr.write(`${w}\n`);
    if (ctx.signal.aborted) return nothingMeasured(ctx);
    const outcome = await measureAll(settings, args, ctx);
    if (args.dryRun) return EXIT.OK;
    // Nothing to keep: an earlier report at --out is left as it was.
    if (outcome.interrupted && !outcome.results.some(measured)) return nothingMeasured(ctx);
    const report = await buildReport({
      outcome,
      argv: ctx.argv,
      seed: settings.seed,
      backends: settings.backends.map((b) => b.id),
      probes: settings.probes.map((p) => p.id),
      params: [...(args.param ?? []), ...(settings.engines.length ? [`engine=${settings.engines.join(',')}`] : [])],
      telemetry: args.telemetry,
    });
    const text = serializeReport(report);
    await writeAtomic(settings.out, text);
    const summaryStream = args.json ? ctx.stderr : ctx.stdout;
    summaryStream.write(`${renderSummary(report)}\n`);
    ctx.stderr.write(`report: ${resolve(settings.out)}${report.status === 'interrupted' ? ' (interrupted: partial)' : ''}\n`);
    if (args.json) ctx.stdout.write(text);
    const pushed = args.push ? await push(args, report.results, ctx.stderr) : true;
    if (outcome.interrupted) return EXIT.INTERRUPTED;
    return !pushed || report.results.some((r) => r.status === 'errored' || r.status === 'invalid') ? EXIT.FAILED_RESULTS : EXIT.OK;
  },
};

function nothingMeasured(ctx: CommandContext): number {
  ctx.stderr.write('interrupted before any result was measured: nothing to report (no report written)\n');
  return EXIT.INTERRUPTED;
}

/**
 * Runs the suite: the plan printed first (a budgeted run, or --dry-run), then the progress display on a terminal,
 * or a line per finished result on stderr when it is not one.
 */
async function measureAll(s: RunSettings, args: RunArgs, ctx: CommandContext): Promise<SuiteOutcome> {
  // The budget counts from the process's start, as the user's clock does.
  const startedAtMs = performance.timeOrigin;
  const progress = args.progress && !args.dryRun ? (ctx.interactive ? new ProgressDisplay(ctx.stderr, startedAtMs) : new ResultLog(ctx.stderr)) : null;
  const plan = new PlanPrinter(ctx.stderr, s.budgetSeconds !== null || args.dryRun);
  const onProgress = (e: ProgressEvent): void => {
    plan.handle(e);
    progress?.handle(e);
  };
  try {
    return await runSuite({
      backends: s.backends,
      explicitBackends: args.backend !== undefined,
      probes: s.probes,
      explicitProbes: args.probe !== undefined,
      devices: splitList(args.device),
      allProbes: PROBES,
      preset: s.preset,
      overrides: s.overrides,
      threads: s.threads ?? defaultThreads(),
      seed: s.seed,
      ...(s.targetCi !== undefined ? { targetRel: s.targetCi / 100 } : {}),
      ...(s.maxSeconds !== undefined ? { capSeconds: s.maxSeconds } : {}),
      ...(s.windows !== undefined ? { fixedWindows: s.windows } : {}),
      telemetry: args.telemetry,
      ...(s.sampleHz !== undefined ? { gpuSampleHz: s.sampleHz } : {}),
      ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}),
      ...(s.budgetSeconds !== null ? { budget: { seconds: s.budgetSeconds, presetFixed: s.presetGiven, startedAtMs } } : {}),
      planOnly: args.dryRun,
      signal: ctx.signal,
      onProgress,
    });
  } finally {
    progress?.stop();
  }
}

/** Pushes the results to the Pushgateway; false (with why on stderr) when that failed. */
async function push(args: RunArgs, results: Result[], stderr: NodeJS.WritableStream): Promise<boolean> {
  try {
    await pushResults({ url: args.push!, job: args.pushJob, instance: args.pushInstance ?? hostname() }, results);
    stderr.write(`pushed ${results.length} results to ${args.push} (job ${args.pushJob})\n`);
    return true;
  } catch (err) {
    stderr.write(`flopmeter: ${describeError(err)} (the report is written)\n`);
    return false;
  }
}
