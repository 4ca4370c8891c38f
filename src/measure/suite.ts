/**
 * A whole run: discover the backends, plan every result, check that every
 * size fits before anything is allocated, start telemetry, take each
 * device's idle baseline, and measure result after result. An interruption
 * keeps every finished result and marks the rest aborted.
 */
import type { Backend, DeviceInfo, DeviceSession } from '../backends/backend.js';
import { CapacityError, UsageError, describeError } from '../core/errors.js';
import type { AnyProbe, PresetId } from '../core/probe.js';
import { Rng } from '../core/random.js';
import { DEFAULT_SAMPLERS } from '../telemetry/index.js';
import { matchTelemetryDevice, type TelemetryDevice, type TelemetryMatch } from '../telemetry/devices.js';
import { Telemetry } from '../telemetry/service.js';
import type { SamplerStats } from '../telemetry/protocol.js';
import type { MissingSensor, SensorInfo } from '../telemetry/types.js';
import { availableMemory } from '../core/memory.js';
import { hasPowerSensor, idleBaseline, type IdleBaseline } from './idle.js';
import { planProbes, type ParamOverride, type PlannedProbe } from './plan.js';
import { PRESETS, type MeasurePreset } from './presets.js';
import type { Result } from './result.js';
import { emptyResult, measure, type PhaseEvent } from './runner.js';
import { coarseEnergyNote, recommendedWindowSeconds, updateFloorSeconds } from './sensor-window.js';
import { confidenceCriterion, fixedWindowsCriterion, type StoppingCriterion } from './stopping.js';

export interface SuiteOptions {
  backends: readonly Backend[];
  /** True when the user named the backends: then an unavailable one is an error, not a note. */
  explicitBackends: boolean;
  probes: readonly AnyProbe[];
  /** True when the user named the probes: then a probe a backend cannot run is a skipped result, not left out. */
  explicitProbes?: boolean;
  /** Device ids to use (e.g. ["webgpu1"]); default every device of the selected backends. */
  devices?: readonly string[];
  /** Every probe there is (overrides may name unselected ones); default: the selected ones. */
  allProbes?: readonly AnyProbe[];
  preset: PresetId;
  overrides: readonly ParamOverride[];
  threads?: number;
  seed: number;
  /** Overrides of the preset's stopping rule. */
  targetRel?: number;
  capSeconds?: number;
  /** Exactly this many windows per result instead of the confidence target (the time cap still applies). */
  fixedWindows?: number;
  /** Sample telemetry (default true). */
  telemetry: boolean;
  /** A telemetry service already running (the exporter's), used instead of starting one; left running. */
  telemetryInstance?: Telemetry;
  /** Root of the powercap tree (tests). */
  powercapRoot?: string;
  /** Sampling rate of the GPU samplers (NVML, nvidia-smi, amdgpu), Hz. */
  gpuSampleHz?: number;
  /** Host memory that sizes may use, bytes (default: what the host and its cgroup allow now). */
  availableMemoryBytes?: number;
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface PlannedItem {
  index: number;
  id: string;
  device: string;
  estimateSeconds: number;
}

export type ProgressEvent =
  | { type: 'plan'; items: PlannedItem[] }
  | { type: 'idle'; device: string; seconds: number }
  | { type: 'start'; item: PlannedItem }
  | { type: 'phase'; item: PlannedItem; event: PhaseEvent }
  | { type: 'done'; item: PlannedItem; result: Result };

export interface BackendStatus {
  id: string;
  available: boolean;
  reason: string | null;
  notes: string[];
}

export interface SuiteOutcome {
  backends: BackendStatus[];
  devices: DeviceInfo[];
  results: Result[];
  idle: Record<string, IdleBaseline>;
  sensors: SensorInfo[];
  missing: MissingSensor[];
  /** Physical devices telemetry saw, and what the samplers said about themselves. */
  telemetryDevices: TelemetryDevice[];
  telemetryNotes: string[];
  samplerStats: SamplerStats[];
  preset: MeasurePreset;
  criterion: StoppingCriterion;
  threads: number | null;
  interrupted: boolean;
}

/** The device id the host's CPU telemetry is filed under. */
export const HOST_CPU_DEVICE = 'cpu0';

/**
 * Window length for a device: the preset's, raised to what its energy sensor recommends unless the preset says
 * otherwise, and never below a few of the sensor's updates (src/measure/sensor-window.ts).
 */
export function windowSecondsFor(preset: MeasurePreset, sensors: readonly SensorInfo[]): number {
  const sensorMin = preset.honourSensorWindow ? recommendedWindowSeconds(sensors) : 0;
  return Math.max(preset.window.minSeconds, sensorMin, updateFloorSeconds(sensors));
}

/** An unmatched device's reason, with what the samplers said about themselves (e.g. why NVML is not there). */
function explainMatch(m: TelemetryMatch, notes: readonly string[]): TelemetryMatch {
  return m.id === null && notes.length ? { id: null, reason: `${m.reason} (${notes.join('; ')})` } : m;
}

function criterionFor(preset: MeasurePreset, opts: SuiteOptions): StoppingCriterion {
  // The time cap always applies, to a fixed number of windows too.
  const capSeconds = opts.capSeconds ?? preset.capSeconds;
  if (opts.fixedWindows) return fixedWindowsCriterion(opts.fixedWindows, capSeconds, preset.blocks.windows);
  const b = preset.blocks;
  return confidenceCriterion({ targetRel: opts.targetRel ?? preset.targetRel, windowsPerBlock: b.windows, minBlocks: b.min, maxBlocks: b.max, capSeconds });
}

function estimateSeconds(preset: MeasurePreset, windowSeconds: number, windows: number): number {
  // Setup and verification (~0.5 s) + warm-up + the minimum windows with their average gap + a fresh setup (~0.1 s to
  // prepare, its pause and warm-up) before each block after the first.
  const setups = Math.max(0, Math.ceil(windows / preset.blocks.windows) - 1);
  return 0.5 + preset.warmup.minSeconds + windows * (windowSeconds + preset.window.gapMaxSeconds / 2) + setups * (0.1 + preset.blocks.pauseSeconds + preset.blocks.warmupSeconds);
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteOutcome> {
  const preset = PRESETS[opts.preset];
  const criterion = criterionFor(preset, opts);
  // Checks every override before anything is discovered or opened; each backend then gets its own sizes.
  planProbes(opts.probes, opts.preset, opts.overrides, opts.allProbes);
  // A default run leaves out what a backend has no kernel for, and what cannot run here at all (an engine not installed), noting why.
  const leftOut = new Map<string, Map<string, Set<string>>>(); // backend → reason → probes
  const planFor = (backend: string): PlannedProbe[] =>
    planProbes(opts.probes, opts.preset, opts.overrides, opts.allProbes, backend).filter((p) => {
      if (opts.explicitProbes) return true;
      const why = p.probe.unavailable?.(p.params);
      if (why) {
        const reasons = leftOut.get(backend) ?? leftOut.set(backend, new Map()).get(backend)!;
        reasons.set(why, (reasons.get(why) ?? new Set()).add(p.probe.id));
      }
      return backend in p.probe.impl && !why;
    });

  const backends: BackendStatus[] = [];
  const devices: DeviceInfo[] = [];
  for (const backend of opts.backends) {
    const d = await backend.discover();
    backends.push({ id: backend.id, available: d.available, reason: d.available ? null : d.reason, notes: d.notes });
    if (!d.available && opts.explicitBackends) throw new UsageError(`backend ${backend.id} is unavailable here: ${d.reason}`);
    if (d.available) devices.push(...d.devices);
  }
  if (devices.length === 0) throw new UsageError(`no available backend (${backends.map((b) => `${b.id}: ${b.reason}`).join('; ')})`);
  if (opts.devices?.length) {
    const unknown = opts.devices.filter((id) => !devices.some((d) => d.id === id));
    if (unknown.length) throw new UsageError(`--device ${unknown.join(',')}: no such device; valid: ${devices.map((d) => d.id).join(', ')}`);
    devices.splice(0, devices.length, ...devices.filter((d) => opts.devices!.includes(d.id)));
  }

  const sessions: DeviceSession[] = [];
  let telemetry: Telemetry | null = null;
  const onAbort = (): void => sessions.forEach((s) => s.abort());
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // A device that cannot be opened errors its own results; the run goes on with the others.
    const unopened = new Map<string, string>();
    for (const device of devices) {
      const backend = opts.backends.find((b) => b.id === device.backend)!;
      try {
        sessions.push(await backend.open(device, opts.threads !== undefined ? { threads: opts.threads } : {}));
      } catch (err) {
        if (err instanceof UsageError) throw err;
        unopened.set(device.id, `could not open ${device.id}: ${describeError(err)}`);
      }
    }
    // Refuse sizes that cannot fit before allocating anything.
    const available = opts.availableMemoryBytes ?? availableMemory();
    for (const session of sessions) {
      for (const { probe, params } of planFor(session.device.backend)) {
        if (session.unsupported(probe, params)) continue;
        try {
          session.checkCapacity(probe, params, available);
        } catch (err) {
          if (err instanceof CapacityError) throw new UsageError(`${emptyResult(probe, params, session).id}: ${err.message}`);
          throw err;
        }
      }
    }

    telemetry = opts.telemetryInstance
      ? opts.telemetryInstance
      : opts.telemetry
      ? await Telemetry.start({
          samplers: DEFAULT_SAMPLERS,
          options: {
            cpuDevice: HOST_CPU_DEVICE,
            ...(opts.powercapRoot ? { powercapRoot: opts.powercapRoot } : {}),
            ...(opts.gpuSampleHz ? { gpuPeriodSeconds: 1 / opts.gpuSampleHz } : {}),
          },
        })
      : Telemetry.disabled(HOST_CPU_DEVICE);
    const tel = telemetry;

    const matches = new Map(sessions.map((s) => [s.device.id, explainMatch(matchTelemetryDevice(s.device, tel.devices, HOST_CPU_DEVICE), tel.notes)]));
    const telemetryOf = (device: string): string | null => matches.get(device)!.id;
    const windowSeconds = new Map(
      sessions.map((s) => {
        const t = telemetryOf(s.device.id);
        return [s.device.id, windowSecondsFor(preset, t === null ? [] : tel.sensorsOf(t).sensors)];
      }),
    );
    const minWindows = opts.fixedWindows ?? preset.window.minWindows;
    const items = sessions.flatMap((session) =>
      planFor(session.device.backend).map((p) => ({ session, ...p, id: emptyResult(p.probe, p.params, session).id })),
    ).map((x, index) => ({
      ...x,
      planned: { index, id: x.id, device: x.session.device.id, estimateSeconds: estimateSeconds(preset, windowSeconds.get(x.session.device.id)!, minWindows) },
    }));
    opts.onProgress?.({ type: 'plan', items: items.map((i) => i.planned) });

    const rng = new Rng(opts.seed ^ 0x51ed);
    const idle: Record<string, IdleBaseline> = {};
    const results: Result[] = [];
    for (const device of devices.filter((d) => unopened.has(d.id))) {
      const stand = { device: { id: device.id, backend: device.backend } };
      for (const p of planFor(device.backend)) results.push({ ...emptyResult(p.probe, p.params, stand), status: 'errored', reason: unopened.get(device.id)! });
    }
    for (const item of items) {
      const device = item.session.device.id;
      if (opts.signal.aborted) {
        results.push({ ...emptyResult(item.probe, item.params, item.session), status: 'aborted', reason: 'interrupted before it started' });
        continue;
      }
      // One idle baseline per telemetry device (a software adapter shares the CPU's).
      const tdev = telemetryOf(device);
      const idleKey = tdev ?? device;
      if (!(idleKey in idle)) {
        if (tdev !== null && hasPowerSensor(tel, tdev)) opts.onProgress?.({ type: 'idle', device: idleKey, seconds: preset.idleSeconds });
        idle[idleKey] =
          tdev === null
            ? { watts: null, reason: (matches.get(device) as { reason: string }).reason }
            : await idleBaseline(tel, tdev, preset.idleSeconds, opts.signal).catch((err: unknown) => ({ watts: null, reason: describeError(err) }));
      }
      opts.onProgress?.({ type: 'start', item: item.planned });
      const result = await measure(item.probe, item.params, {
        session: item.session,
        telemetry: tel,
        telemetryDevice: matches.get(device)!,
        preset,
        criterion,
        windowSeconds: windowSeconds.get(device)!,
        seed: opts.seed,
        rng,
        signal: opts.signal,
        idleWatts: idle[idleKey]!.watts,
        idleBaseline: idle[idleKey],
        onPhase: (event) => opts.onProgress?.({ type: 'phase', item: item.planned, event }),
      });
      const coarse = tdev === null ? null : coarseEnergyNote(windowSeconds.get(device)!, tel.sensorsOf(tdev).sensors);
      if (coarse && result.energy) result.notes.push(coarse);
      results.push(result);
      opts.onProgress?.({ type: 'done', item: item.planned, result });
    }
    await tel.flush();
    for (const b of backends) {
      for (const [why, probes] of leftOut.get(b.id) ?? []) b.notes.push(`${[...probes].join(', ')}: left out (${why})`);
    }
    return {
      backends,
      devices,
      results,
      idle,
      sensors: tel.sensors,
      missing: tel.missing,
      telemetryDevices: tel.devices,
      telemetryNotes: tel.notes,
      samplerStats: tel.stats,
      preset,
      criterion,
      threads: opts.threads ?? null,
      interrupted: opts.signal.aborted,
    };
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    if (telemetry !== opts.telemetryInstance) await telemetry?.stop().catch(() => undefined);
  }
}
