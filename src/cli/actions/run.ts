/**
 * What `flopmeter run` does (its options: ../commands/run.ts): the suite on
 * the selected backends, the report written, the summary printed, the results
 * pushed where asked.
 */
import { resolve } from 'node:path';
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
import { historyLine, historyPath, openHistory, type RunHistory } from '../history.js';
import { givenNames, selectBackends, selectEngines, selectPreset, selectProbes, splitList } from '../select.js';
import { durationOption, numberOption } from '../numbers.js';
import { parseParams } from '../params.js';
import { ENGINE_IDS } from '../../models/tfjs/engines.js';
import { EXIT, type CommandContext } from '../context.js';
import { DEFAULT_BUDGET_SECONDS, DEFAULT_PRESET, DEFAULT_SEED, MAX_SAMPLE_HZ, MAX_WINDOWS, type RunArgs } from '../commands/run.js';
import { MODEL_PROBES, PROBES } from '../../../probes/index.js';

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


/** Runs the suite as the options ask, writes the report and prints its summary; the exit code says how it went. */
export async function run(args: RunArgs, ctx: CommandContext): Promise<number> {
  const settings = settingsFrom(args);
  await checkWritable(settings.out);
  for (const w of settings.warnings) ctx.stderr.write(`${w}\n`);
  if (ctx.signal.aborted) return nothingMeasured(ctx);
  const history = args.history && !args.dryRun ? await openRunHistory(settings, args) : null;
  const shown = history && !(history.opened instanceof Error) ? history.opened.apply : undefined;
  const measuredOutcome = await measureAll(settings, args, ctx, shown);
  if (args.dryRun) return EXIT.OK;
  // Nothing to keep: an earlier report at --out is left as it was.
  if (measuredOutcome.interrupted && !measuredOutcome.results.some(measured)) return nothingMeasured(ctx);
  const outcome = history ? await withHistory(measuredOutcome, history, ctx.stderr) : measuredOutcome;
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
}

/**
 * How the results were measured, as far as the scatter between runs depends on it (how long each result is measured,
 * which others are interleaved with it, the sampling rate): runs differing here are not pooled.
 */
function procedureOf(s: RunSettings, args: RunArgs): string {
  const { preset, budgetSeconds, targetCi, maxSeconds, windows, sampleHz } = s;
  const probes = s.probes.map((p) => p.id);
  return JSON.stringify({ preset, budgetSeconds, targetCi, maxSeconds, windows, sampleHz, interleave: args.interleave, threads: s.threads ?? defaultThreads(), probes, params: args.param ?? [] });
}

/** The history file a run reads and extends (src/cli/history.ts), opened, or why it could not be read. */
type OpenedHistory = { path: string; opened: RunHistory | Error };

/** The history this run reads and extends; null where it is kept off. */
async function openRunHistory(s: RunSettings, args: RunArgs): Promise<OpenedHistory | null> {
  const path = historyPath();
  if (!path) return null;
  try {
    return { path, opened: await openHistory(path, procedureOf(s, args)) };
  } catch (err) {
    return { path, opened: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** The outcome with each result's between-run lines, the results recorded in the history; its line on stderr. */
async function withHistory(outcome: SuiteOutcome, { path, opened }: OpenedHistory, stderr: NodeJS.WritableStream): Promise<SuiteOutcome> {
  if (opened instanceof Error) {
    stderr.write(`${historyLine(path, opened)}\n`);
    return outcome;
  }
  const recorded = await opened.record(outcome.results);
  stderr.write(`${historyLine(path, recorded)}\n`);
  return { ...outcome, results: recorded.results };
}

function nothingMeasured(ctx: CommandContext): number {
  ctx.stderr.write('interrupted before any result was measured: nothing to report (no report written)\n');
  return EXIT.INTERRUPTED;
}

/**
 * Runs the suite: the plan printed first (a budgeted run, or --dry-run), then the progress display on a terminal,
 * or a line per finished result on stderr when it is not one; each finished result is shown as `shown` returns it
 * (with its between-run lines, as the summary will state it).
 */
async function measureAll(s: RunSettings, args: RunArgs, ctx: CommandContext, shown: (r: Result) => Result = (r) => r): Promise<SuiteOutcome> {
  // The budget counts from the process's start, as the user's clock does.
  const startedAtMs = performance.timeOrigin;
  const progress = args.progress && !args.dryRun ? (ctx.interactive ? new ProgressDisplay(ctx.stderr, startedAtMs) : new ResultLog(ctx.stderr)) : null;
  const plan = new PlanPrinter(ctx.stderr, s.budgetSeconds !== null || args.dryRun);
  const onProgress = (e: ProgressEvent): void => {
    plan.handle(e);
    progress?.handle(e.type === 'done' ? { ...e, result: shown(e.result) } : e);
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
      interleave: args.interleave,
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
