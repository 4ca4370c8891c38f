/**
 * A whole run: discover the backends, plan every result, check that every
 * size fits before anything is allocated, start telemetry, take each
 * device's idle baseline, and measure the results, each device's interleaved
 * block by block (suite-measure.ts). An interruption keeps every finished
 * result and marks the rest aborted.
 */
import type { Backend, DeviceInfo, DeviceSession } from '../backends/backend.js';
import { CapacityError, UsageError, describeError } from '../core/errors.js';
import type { AnyProbe, PresetId } from '../core/probe.js';
import { Rng } from '../core/random.js';
import { DEFAULT_SAMPLERS } from '../telemetry/index.js';
import { matchTelemetryDevice, type TelemetryDevice, type TelemetryMatch } from '../telemetry/devices.js';
import { Telemetry } from '../telemetry/service.js';
import { healthNotes } from '../telemetry/health.js';
import type { SamplerStats } from '../telemetry/protocol.js';
import type { ProcessAccountingSnapshot } from '../telemetry/process-accounting.js';
import type { MissingSensor, SensorInfo } from '../telemetry/types.js';
import { availableMemory } from '../core/memory.js';
import { hasPowerSensor, type IdleBaseline } from './idle.js';
import { planProbes, type ParamOverride, type PlannedProbe } from './plan.js';
import { PRESETS, type MeasurePreset } from './presets.js';
import type { Result } from './result.js';
import { emptyResult, type PhaseEvent } from './runner.js';
import { criterionFor, measureItems, type MeasureRun } from './suite-measure.js';
import { recommendedWindowSeconds, updateFloorSeconds } from './sensor-window.js';
import type { StoppingCriterion } from './stopping.js';
import { buildItems, planToBudget, type BudgetOutcome, type PlannedItem, type SuiteItem } from './suite-plan.js';

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
  /**
   * Plan the run to this budget (budget.ts): which results, which preset's sizes and procedure (`preset` only when
   * `presetFixed`), and each result's time cap, set as it starts from the time left.
   */
  budget?: { seconds: number; presetFixed: boolean; /** When the run started (ms since the epoch): the budget counts from it. */ startedAtMs: number };
  /**
   * Measure each device's results block by block in a random order (interleave.ts) rather than each in one stretch
   * (default true).
   */
  interleave?: boolean;
  /** Stop after the plan (its progress event) without measuring anything. */
  planOnly?: boolean;
  signal: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export type { PlannedItem } from './suite-plan.js';

export type ProgressEvent =
  | { type: 'plan'; items: PlannedItem[]; budget: BudgetOutcome | null; preset: PresetId }
  | { type: 'idle'; device: string; seconds: number }
  /** An item takes its next step: its first (set-up to first block), or, `resumed`, a later block of an interleaved run. */
  | { type: 'start'; item: PlannedItem; resumed?: boolean }
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
  /** The budget plan, for a run planned to a budget. */
  budget: BudgetOutcome | null;
  threads: number | null;
  interrupted: boolean;
  /** Energy per process over the run (telemetry's split); null where no device had an energy counter to split. */
  processes: ProcessAccountingSnapshot | null;
  /** Whether each device's results were interleaved block by block (interleave.ts). */
  interleave: boolean;
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

/** Which parameter sets a backend gets; a default run leaves out what it cannot run, noting why in `leftOut`. */
function planner(opts: SuiteOptions, leftOut: Map<string, Map<string, Set<string>>>): (backend: string, preset: PresetId) => PlannedProbe[] {
  return (backend, preset) =>
    planProbes(opts.probes, preset, opts.overrides, opts.allProbes, backend).filter((p) => {
      if (opts.explicitProbes) return true;
      const why = p.probe.unavailable?.(p.params);
      if (why) {
        const reasons = leftOut.get(backend) ?? leftOut.set(backend, new Map()).get(backend)!;
        reasons.set(why, (reasons.get(why) ?? new Set()).add(p.probe.id));
      }
      return backend in p.probe.impl && !why;
    });
}

/** Every backend's discovery, and the devices the run uses. */
async function discoverDevices(opts: SuiteOptions): Promise<{ backends: BackendStatus[]; devices: DeviceInfo[] }> {
  const backends: BackendStatus[] = [];
  const devices: DeviceInfo[] = [];
  for (const backend of opts.backends) {
    const d = await backend.discover();
    backends.push({ id: backend.id, available: d.available, reason: d.available ? null : d.reason, notes: d.notes });
    if (!d.available && opts.explicitBackends) throw new UsageError(`backend ${backend.id} is unavailable here: ${d.reason}`);
    if (d.available) devices.push(...d.devices);
  }
  if (devices.length === 0) throw new UsageError(`no available backend (${backends.map((b) => `${b.id}: ${b.reason}`).join('; ')})`);
  if (!opts.devices?.length) return { backends, devices };
  const unknown = opts.devices.filter((id) => !devices.some((d) => d.id === id));
  if (unknown.length) throw new UsageError(`--device ${unknown.join(',')}: no such device; valid: ${devices.map((d) => d.id).join(', ')}`);
  return { backends, devices: devices.filter((d) => opts.devices!.includes(d.id)) };
}

/** Opens each device into `sessions`; one that cannot be opened is noted in the map returned and errors its own results. */
async function openSessions(devices: readonly DeviceInfo[], opts: SuiteOptions, sessions: DeviceSession[]): Promise<Map<string, string>> {
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
  return unopened;
}

/** Why an item's sizes cannot fit its device, or null. */
function capacityProblem({ session, probe, params }: SuiteItem, available: number): string | null {
  if (session.unsupported(probe, params)) return null;
  try {
    session.checkCapacity(probe, params, available);
    return null;
  } catch (err) {
    if (err instanceof CapacityError) return err.message;
    throw err;
  }
}

/** Refuses sizes that cannot fit before anything is allocated. */
function checkCapacities(items: readonly SuiteItem[], available: number): void {
  for (const item of items) {
    const problem = capacityProblem(item, available);
    if (problem) throw new UsageError(`${item.id}: ${problem}`);
  }
}

async function startTelemetry(opts: SuiteOptions): Promise<Telemetry> {
  if (opts.telemetryInstance) return opts.telemetryInstance;
  if (!opts.telemetry) return Telemetry.disabled(HOST_CPU_DEVICE);
  return Telemetry.start({
    samplers: DEFAULT_SAMPLERS,
    options: {
      cpuDevice: HOST_CPU_DEVICE,
      ...(opts.powercapRoot ? { powercapRoot: opts.powercapRoot } : {}),
      ...(opts.gpuSampleHz ? { gpuPeriodSeconds: 1 / opts.gpuSampleHz } : {}),
      // A run's report lists every process it saw, ended or not.
      processGraceSeconds: Infinity,
    },
  });
}

/** The window length per opened device. */
function windowsOf(sessions: readonly DeviceSession[], preset: MeasurePreset, tel: Telemetry, matches: Map<string, TelemetryMatch>): Map<string, number> {
  return new Map(
    sessions.map((s) => {
      const t = matches.get(s.device.id)!.id;
      return [s.device.id, windowSecondsFor(preset, t === null ? [] : tel.sensorsOf(t).sensors)];
    }),
  );
}

/** The items to measure: the preset's, or the budget plan's (which may choose the preset). */
function planItems(
  opts: SuiteOptions,
  sessions: readonly DeviceSession[],
  planFor: (b: string, p: PresetId) => PlannedProbe[],
  tel: Telemetry,
  matches: Map<string, TelemetryMatch>,
  idleDevices: number,
): { all: SuiteItem[]; items: SuiteItem[]; preset: MeasurePreset; budget: BudgetOutcome | null } {
  const itemsFor = (preset: MeasurePreset): SuiteItem[] => {
    const windows = windowsOf(sessions, preset, tel, matches);
    return buildItems(sessions, (b) => planFor(b, preset.id), preset, (d) => windows.get(d)!);
  };
  const preset = PRESETS[opts.preset];
  if (!opts.budget) {
    const items = itemsFor(preset);
    return { all: items, items, preset, budget: null };
  }
  const longestWindow = (p: MeasurePreset): number => Math.max(...windowsOf(sessions, p, tel, matches).values());
  const req = { budgetSeconds: opts.budget.seconds, elapsedSeconds: (Date.now() - opts.budget.startedAtMs) / 1000, idleSeconds: idleDevices * PRESETS[opts.preset].idleSeconds };
  const available = opts.availableMemoryBytes ?? availableMemory();
  return planToBudget(itemsFor, longestWindow, req, (item) => capacityProblem(item, available) === null, opts.budget.presetFixed ? opts.preset : undefined);
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteOutcome> {
  // Checks every override before anything is discovered or opened; each backend then gets its own sizes.
  planProbes(opts.probes, opts.preset, opts.overrides, opts.allProbes);
  const leftOut = new Map<string, Map<string, Set<string>>>(); // backend → reason → probes
  const planFor = planner(opts, leftOut);
  const { backends, devices } = await discoverDevices(opts);
  const sessions: DeviceSession[] = [];
  let telemetry: Telemetry | null = null;
  const onAbort = (): void => sessions.forEach((s) => s.abort());
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const unopened = await openSessions(devices, opts, sessions);
    const startedMs = Date.now();
    telemetry = await startTelemetry(opts);
    const tel = telemetry;
    const matches = new Map(sessions.map((s) => [s.device.id, explainMatch(matchTelemetryDevice(s.device, tel.devices, HOST_CPU_DEVICE), tel.notes)]));
    const powered = new Set(sessions.map((s) => matches.get(s.device.id)!.id).filter((t): t is string => t !== null && hasPowerSensor(tel, t)));
    const { all, items, preset, budget } = planItems(opts, sessions, planFor, tel, matches, powered.size);
    // Every size the preset names must fit, whether the budget measures it or not: a size the user asked for that
    // cannot fit is a usage error, not a result quietly left out.
    checkCapacities(all, opts.availableMemoryBytes ?? availableMemory());
    const criterion = criterionFor(preset, opts);
    opts.onProgress?.({ type: 'plan', items: items.map((i) => i.planned), budget, preset: preset.id });

    const results: Result[] = [];
    for (const device of devices.filter((d) => unopened.has(d.id))) {
      const stand = { device: { id: device.id, backend: device.backend } };
      for (const p of planFor(device.backend, preset.id)) results.push({ ...emptyResult(p.probe, p.params, stand), status: 'errored', reason: unopened.get(device.id)! });
    }
    const run: MeasureRun = { opts, preset, criterion, tel, matches, windowSeconds: windowsOf(sessions, preset, tel, matches), rng: new Rng(opts.seed ^ 0x51ed), idle: {}, deadlineMs: opts.budget ? opts.budget.startedAtMs + opts.budget.seconds * 1000 : null };
    if (!opts.planOnly) await measureItems(run, items, results);
    await tel.flush(true);
    for (const b of backends) {
      for (const [why, probes] of leftOut.get(b.id) ?? []) b.notes.push(`${[...probes].join(', ')}: left out (${why})`);
    }
    return {
      backends,
      devices,
      results,
      idle: run.idle,
      sensors: tel.sensors,
      missing: tel.missing,
      telemetryDevices: tel.devices,
      telemetryNotes: [...tel.notes, ...healthNotes(tel.healthChanges, startedMs)],
      samplerStats: tel.stats,
      preset,
      criterion,
      budget,
      threads: opts.threads ?? null,
      interrupted: opts.signal.aborted,
      processes: tel.processes,
      interleave: opts.interleave ?? true,
    };
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    if (telemetry !== opts.telemetryInstance) await telemetry?.stop().catch(() => undefined);
  }
}
