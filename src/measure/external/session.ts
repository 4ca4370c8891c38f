/**
 * `flopmeter measure`'s procedure: telemetry started, each power-measurable
 * device's idle baseline taken, the command run with its work channels,
 * then one result per device, gathered as a run's outcome so that the
 * report builder, compare and the exporter take it as they take a run's.
 */
import { UsageError, describeError } from '../../core/errors.js';
import { DEFAULT_SAMPLERS } from '../../telemetry/index.js';
import { healthNotes } from '../../telemetry/health.js';
import { Telemetry } from '../../telemetry/service.js';
import { hasPowerSensor, idleBaseline, type IdleBaseline } from '../idle.js';
import { PRESETS, type MeasurePreset } from '../presets.js';
import { recommendedWindowSeconds, updateFloorSeconds } from '../sensor-window.js';
import type { StoppingCriterion } from '../stopping.js';
import { HOST_CPU_DEVICE, type SuiteOutcome } from '../suite.js';
import { runChild } from './child.js';
import { externalResult, type ExternalDeclaration } from './result.js';
import { WorkLog } from './work-lines.js';


/**
 * Shortest window, seconds. Why: power sensors average over about a second (NVML's averaged field, RAPL read
 * between updates), and a work rate over less than that is mostly the command's own burstiness.
 */
export const MIN_WINDOW_SECONDS = 1;

export interface ExternalOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  declaration: ExternalDeclaration;
  unit: string;
  workTotal: number | null;
  /** Telemetry device ids to measure; default every one with a power or energy sensor. */
  devices: readonly string[] | null;
  idleSeconds: number;
  powercapRoot?: string;
  gpuSampleHz?: number;
  stderr: NodeJS.WritableStream;
  /** The command's stdout goes to flopmeter's stderr (--json: stdout carries the report). */
  stdoutToStderr?: boolean;
  signal: AbortSignal;
  onIdle?: (devices: readonly string[], seconds: number) => void;
}

/** The outcome, or null when stopped before the command started (nothing measured). */
export type ExternalOutcome = SuiteOutcome | null;

/** The devices to measure: those asked for (every one must exist), else every power-measurable one. */
function chooseDevices(tel: Telemetry, wanted: readonly string[] | null): string[] {
  const ids = tel.devices.map((d) => d.id);
  if (wanted) {
    const unknown = wanted.filter((id) => !ids.includes(id));
    if (unknown.length) throw new UsageError(`--device ${unknown.join(',')}: no such telemetry device; valid: ${ids.join(', ') || '(none)'}`);
    return [...wanted];
  }
  const powered = ids.filter((id) => hasPowerSensor(tel, id));
  return powered.length ? powered : [HOST_CPU_DEVICE];
}

/** The window length for a device: its sensor's recommended minimum, a few of its updates, at least MIN_WINDOW_SECONDS. */
function windowSecondsOf(tel: Telemetry, device: string): number {
  const sensors = tel.sensorsOf(device).sensors;
  return Math.max(MIN_WINDOW_SECONDS, recommendedWindowSeconds(sensors), updateFloorSeconds(sensors));
}

/** The procedure's settings as a report's config states them. */
function externalPreset(idleSeconds: number, windowSeconds: number): MeasurePreset {
  const base = PRESETS.standard;
  return { ...base, idleSeconds, warmup: { ...base.warmup, minSeconds: 0, maxSeconds: 0 }, window: { minSeconds: windowSeconds, minWindows: 2, maxWindows: 2, gapMaxSeconds: 0 }, blocks: { ...base.blocks, windows: 1 } };
}

/** The windows are cut when the command has ended: nothing to decide while it runs. */
function externalCriterion(windowSeconds: number): StoppingCriterion {
  return { id: 'external-command', settings: { windowSeconds }, windowsPerBlock: 1, decide: () => ({ stop: true, converged: true, reason: 'the command ended' }) };
}

async function idleAll(tel: Telemetry, devices: readonly string[], opts: ExternalOptions): Promise<Record<string, IdleBaseline>> {
  const idle: Record<string, IdleBaseline> = {};
  if (opts.idleSeconds <= 0) {
    for (const d of devices) idle[d] = { watts: null, reason: 'idle baseline skipped (--idle 0)' };
    return idle;
  }
  opts.onIdle?.(devices, opts.idleSeconds);
  // One sleep serves every device: their sensors are all sampled throughout.
  const all = await Promise.all(devices.map((d) => idleBaseline(tel, d, opts.idleSeconds, opts.signal).catch((err: unknown) => ({ watts: null, reason: describeError(err) }) as IdleBaseline)));
  devices.forEach((d, i) => (idle[d] = all[i]!));
  return idle;
}

export async function measureExternal(opts: ExternalOptions): Promise<ExternalOutcome> {
  const tel = await Telemetry.start({
    samplers: DEFAULT_SAMPLERS,
    options: { cpuDevice: HOST_CPU_DEVICE, ...(opts.powercapRoot ? { powercapRoot: opts.powercapRoot } : {}), ...(opts.gpuSampleHz ? { gpuPeriodSeconds: 1 / opts.gpuSampleHz } : {}) },
  });
  try {
    const devices = chooseDevices(tel, opts.devices);
    const startedMs = Date.now();
    const idle = await idleAll(tel, devices, opts);
    if (opts.signal.aborted) return null;
    // Energy per process is split above the idle just measured, where there is one.
    for (const d of devices) if (idle[d]!.watts !== null) tel.setIdleBaseline(d, idle[d]!.watts);
    const log = new WorkLog();
    const exit = await runChild({ command: opts.command, args: opts.args, env: opts.env, stderr: opts.stderr, signal: opts.signal, stdoutToStderr: opts.stdoutToStderr ?? false }, log);
    await tel.flush(true);
    const windows = new Map(devices.map((d) => [d, windowSecondsOf(tel, d)]));
    const results = devices.map((d) => {
      const r = externalResult({ telemetry: tel, log, exit, declaration: opts.declaration, unit: opts.unit, workTotal: opts.workTotal, windowSeconds: windows.get(d)! }, d, idle[d]);
      const shortest = Math.min(...r.windows.map((w) => w.seconds));
      if (r.energy && shortest < recommendedWindowSeconds(tel.sensorsOf(d).sensors)) {
        r.notes.push(`energy figures are coarse: the measured part is short, cut into ${shortest.toFixed(2)} s windows where the power sensor needs ${windows.get(d)} s; measure a longer run`);
      }
      return r;
    });
    const longest = Math.max(...windows.values());
    return {
      // One command, measured as it runs.
      interleave: false,
      backends: [],
      devices: [],
      results,
      idle,
      sensors: tel.sensors,
      missing: tel.missing,
      telemetryDevices: tel.devices,
      telemetryNotes: [...tel.notes, ...healthNotes(tel.healthChanges, startedMs)],
      samplerStats: tel.stats,
      preset: externalPreset(opts.idleSeconds, longest),
      criterion: externalCriterion(longest),
      budget: null,
      threads: null,
      interrupted: exit.interrupted,
      processes: tel.processes,
    };
  } finally {
    await tel.stop().catch(() => undefined);
  }
}
