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
import { parseOverride } from '../../measure/plan.js';
import { runSuite } from '../../measure/suite.js';
import { buildReport, serializeReport } from '../../report/build.js';
import { renderSummary } from '../../report/summary.js';
import { checkWritable, defaultReportPath, writeAtomic } from '../../report/write.js';
import { ProgressDisplay } from '../progress.js';
import { selectBackends, selectEngines, selectPreset, selectProbes, splitList } from '../select.js';
import { ENGINE_IDS } from '../../models/tfjs/engines.js';
import { EXIT, type CommandSpec } from '../context.js';
import { MODEL_PROBES, PROBES } from '../../../probes/index.js';

export interface RunArgs {
  backend?: string[];
  device?: string[];
  probe?: string[];
  engine?: string[];
  preset: string;
  param?: string[];
  threads?: number;
  seed: number;
  out?: string;
  json: boolean;
  targetCi?: number;
  maxSeconds?: number;
  windows?: number;
  telemetry: boolean;
  sampleHz?: number;
  push?: string;
  pushJob: string;
  pushInstance?: string;
  progress: boolean;
}

function positiveNumber(flag: string, v: number | undefined, integer = false): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UsageError(`${flag} ${v}: must be a positive ${integer ? 'integer' : 'number'}`);
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
      .option('preset', { type: 'string', default: 'standard', describe: 'quick (seconds per result, for CI and a first look), standard, or full (reference-grade)' })
      .option('param', { type: 'string', array: true, describe: 'Override a parameter of the selected probes: [probe.]name=value[,value...], e.g. gemm.n=1024,2048 or n=2^20 (repeatable)' })
      .option('threads', { type: 'number', describe: 'CPU worker threads (default: one per logical CPU)' })
      .option('seed', { type: 'number', default: 42, describe: 'Seed for the inputs (same seed, same inputs on every machine)' })
      .option('out', { alias: 'o', type: 'string', describe: 'Report file (default: flopmeter-<UTC time>.json in the current directory)' })
      .option('json', { type: 'boolean', default: false, describe: 'Also print the report as JSON on stdout (the summary goes to stderr)' })
      .option('target-ci', { type: 'number', describe: 'Stop when the 95 % half-width of throughput is within this many per cent (default: the preset’s)' })
      .option('max-seconds', { type: 'number', describe: 'Time cap on measuring one result, seconds (default: the preset’s)' })
      .option('windows', { type: 'number', describe: 'Measure exactly this many windows per result instead of stopping on the confidence target' })
      .option('telemetry', { type: 'boolean', default: true, describe: 'Sample power, clocks and temperatures (--no-telemetry to switch off)' })
      .option('sample-hz', { type: 'number', describe: 'Sampling rate of GPU power sensors (NVML, nvidia-smi, amdgpu), Hz (default 20 for NVML, 10 for amdgpu)' })
      .option('push', { type: 'string', describe: 'Also push the results to a Prometheus Pushgateway at this URL' })
      .option('push-job', { type: 'string', default: 'flopmeter', describe: 'Pushgateway job label' })
      .option('push-instance', { type: 'string', describe: 'Pushgateway instance label (default: this host name)' })
      .option('progress', { type: 'boolean', default: true, describe: 'Show progress on a terminal (--no-progress to hide)' })
      .example('$0', 'the standard suite on every available backend')
      .example('$0 run --preset quick --probe stream,gemm', 'a quick look at memory bandwidth and GEMM')
      .example('$0 run -b cpu -p gemm --param gemm.n=4096 --threads 8 -o gemm.json', 'one GEMM size on 8 threads')
      .example('$0 run -p mlp,transformer --engine tfjs-wasm,tfjs-webgpu', 'model probes on two TensorFlow.js engines')
      .example('$0 run -p cnn --param scenario=single-stream --preset quick', 'one model scenario, every engine'),
  async run(args: RunArgs, ctx) {
    const backends = selectBackends(splitList(args.backend));
    const engines = selectEngines(splitList(args.engine));
    // --engine alone means the model probes (only they have engines).
    const probes = args.probe === undefined && engines.length ? [...MODEL_PROBES] : selectProbes(splitList(args.probe));
    const preset = selectPreset(args.preset);
    const overrides = [...(args.param ?? []).map(parseOverride), ...(engines.length ? [{ probe: null, key: 'engine', values: engines }] : [])];
    positiveNumber('--threads', args.threads, true);
    positiveNumber('--target-ci', args.targetCi);
    positiveNumber('--max-seconds', args.maxSeconds);
    positiveNumber('--windows', args.windows, true);
    positiveNumber('--sample-hz', args.sampleHz);
    if (args.sampleHz !== undefined && args.sampleHz > 1000) throw new UsageError(`--sample-hz ${args.sampleHz}: at most 1000`);
    if (args.windows !== undefined && args.windows < 2) throw new UsageError(`--windows ${args.windows}: at least 2 are needed for an uncertainty`);
    if (!Number.isSafeInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed ${args.seed}: must be a non-negative integer`);
    const out = args.out ?? defaultReportPath();
    await checkWritable(out);
    if (args.push !== undefined && !/^https?:\/\/[^/]+/.test(args.push)) throw new UsageError(`--push ${args.push}: expected the Pushgateway's URL, e.g. http://pushgateway:9091`);

    const progress = ctx.interactive && args.progress ? new ProgressDisplay(ctx.stderr) : null;
    let outcome;
    try {
      outcome = await runSuite({
        backends,
        explicitBackends: args.backend !== undefined,
        probes,
        explicitProbes: args.probe !== undefined,
        devices: splitList(args.device),
        allProbes: PROBES,
        preset,
        overrides,
        threads: args.threads ?? defaultThreads(),
        seed: args.seed,
        ...(args.targetCi !== undefined ? { targetRel: args.targetCi / 100 } : {}),
        ...(args.maxSeconds !== undefined ? { capSeconds: args.maxSeconds } : {}),
        ...(args.windows !== undefined ? { fixedWindows: args.windows } : {}),
        telemetry: args.telemetry,
        ...(args.sampleHz !== undefined ? { gpuSampleHz: args.sampleHz } : {}),
        ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}),
        signal: ctx.signal,
        ...(progress ? { onProgress: progress.handle } : {}),
      });
    } finally {
      progress?.stop();
    }
    const report = await buildReport({
      outcome,
      argv: ctx.argv,
      seed: args.seed,
      backends: backends.map((b) => b.id),
      probes: probes.map((p) => p.id),
      params: [...(args.param ?? []), ...(engines.length ? [`engine=${engines.join(',')}`] : [])],
      telemetry: args.telemetry,
    });
    const text = serializeReport(report);
    await writeAtomic(out, text);
    const summaryStream = args.json ? ctx.stderr : ctx.stdout;
    summaryStream.write(`${renderSummary(report.results)}\n`);
    ctx.stderr.write(`report: ${resolve(out)}${report.status === 'interrupted' ? ' (interrupted: partial)' : ''}\n`);
    if (args.json) ctx.stdout.write(text);
    if (args.push) {
      try {
        await pushResults({ url: args.push, job: args.pushJob, instance: args.pushInstance ?? hostname() }, report.results);
        ctx.stderr.write(`pushed ${report.results.length} results to ${args.push} (job ${args.pushJob})\n`);
      } catch (err) {
        ctx.stderr.write(`flopmeter: ${describeError(err)} (the report is written)\n`);
        return outcome.interrupted ? EXIT.INTERRUPTED : EXIT.FAILED_RESULTS;
      }
    }
    if (outcome.interrupted) return EXIT.INTERRUPTED;
    return report.results.some((r) => r.status === 'errored' || r.status === 'invalid') ? EXIT.FAILED_RESULTS : EXIT.OK;
  },
};
