/**
 * NVIDIA GPUs through NVML, sampled in the telemetry worker (20 Hz by
 * default): the energy counter (energy for a window is its difference), the
 * instantaneous and 1 s averaged power (each labelled by what it is on the
 * GPU's architecture: nvml-power.ts), utilisation, temperature, SM and memory
 * clocks, throttle reasons (all 64 bits), memory and performance state. Each
 * GPU's readings carry the time of its own read. Each quantity is read on its
 * own: a failing call costs only what it provides, and is the GPU's health
 * (nvml-health-monitor.ts).
 */
import { monotonicNs } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import { normalisePci, type TelemetryDevice } from './devices.js';
import { CLOCK, FIELD, Nvml, THROTTLE_REASONS } from './nvml.js';
import { NVML_POWER_ACCURACY, powerSensors, powerSources, powerUsageKind, type PowerSources } from './nvml-power.js';
import { NvmlHealthMonitor } from './nvml-health-monitor.js';
import type { Sampler, SamplerOptions } from './sampler.js';
import type { MissingSensor, Sample, SensorInfo } from './types.js';

/** 20 Hz: twice NVML's ~100 ms update of power and energy, at a cost measured to stay far below 1 % of a core. */
export const NVML_DEFAULT_PERIOD_SECONDS = 0.05;

/**
 * On Ampere and newer, "Part-time power measurements" (Yang, Adamek, Armour,
 * SC'24) found only ~25 % of the runtime sampled (a ~25 ms window every
 * 100 ms); the energy counter inherits that.
 */
const PART_TIME_ARCHS = ['Ampere', 'Ada', 'Hopper', 'Blackwell'];

interface Gpu {
  handle: unknown;
  id: string;
  energy: 'field' | 'call' | null;
  power: PowerSources;
  /** The last counter reading and the offset that keeps the series monotonic across a reset. */
  lastEnergy: number | null;
  energyOffset: number;
}

export async function createNvmlSampler(options: SamplerOptions): Promise<Sampler> {
  const nvml = Nvml.open();
  if ('unavailable' in nvml) {
    return { id: 'nvml', devices: [], sensors: [], missing: [], notes: [`NVML: ${nvml.unavailable}`], periodSeconds: 1, counter: false, read: () => [] };
  }
  const driver = nvml.driverVersion();
  const gpus: Gpu[] = [];
  const health = new NvmlHealthMonitor(nvml);
  const devices: TelemetryDevice[] = [];
  const sensors: SensorInfo[] = [];
  const missing: MissingSensor[] = [];
  const notes: string[] = [];
  for (let i = 0; i < nvml.count(); i++) {
    try {
      const gpu = describeGpu(nvml, i, driver, { devices, sensors, missing });
      gpus.push(gpu);
      health.add(gpu.id, gpu.handle);
    } catch (err) {
      // A GPU that cannot even be described (lost before the start) leaves the others sampled.
      notes.push(`NVML GPU ${i} left out: ${describeError(err)}`);
    }
  }

  return {
    id: 'nvml',
    devices,
    sensors,
    missing,
    notes: [`NVML ${driver} (${nvml.path}): ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}`, ...notes, ...health.notes],
    periodSeconds: options.gpuPeriodSeconds ?? NVML_DEFAULT_PERIOD_SECONDS,
    counter: true,
    read(): Sample[] {
      const out: Sample[] = [];
      health.begin();
      for (const g of gpus) {
        readGpu(nvml, health, g, out);
        health.readCounters(g.id, Date.now());
        health.commit(g.id);
      }
      health.pollEvents();
      return out;
    },
    health: () => health.report(),
    close: () => {
      health.close();
      nvml.close();
    },
  };
}

/** One GPU's readings, each quantity by its own call through the health monitor (a failing call costs only its quantities). */
function readGpu(nvml: Nvml, health: NvmlHealthMonitor, g: Gpu, out: Sample[]): void {
  const read = <T>(sensor: string, fn: () => T): T | null => health.attempt(g.id, sensor, fn);
  // This GPU's own read time: the middle of its power and energy read (another GPU's reads take their own time).
  const before = monotonicNs();
  const f = read('power and energy fields', () => nvml.fields(g.handle, [FIELD.TOTAL_ENERGY_CONSUMPTION, FIELD.POWER_INSTANT, FIELD.POWER_AVERAGE]));
  const t = Math.round((before + monotonicNs()) / 2);
  const push = (quantity: Sample['quantity'], value: number | null, component?: string): void => {
    if (value !== null && Number.isFinite(value)) out.push(component ? { t, device: g.id, quantity, component, value } : { t, device: g.id, quantity, value });
  };
  const field = (i: number): number | null => (f?.[i]?.ok ? f[i]!.value / 1000 : null);
  push('energy', counterJoules(g, g.energy === 'field' ? field(0) : g.energy === 'call' ? read('energy', () => nvml.energyJoules(g.handle)) : null));
  const { instant, average } = g.power;
  const usage = (): number | null => read('power', () => nvml.powerWatts(g.handle));
  if (instant) push('power', instant === 'call' ? usage() : field(1));
  if (average) push('power', average === 'call' ? usage() : field(2), instant ? 'average-1s' : undefined);
  const u = read('utilization', () => nvml.utilization(g.handle));
  push('utilization', u?.gpu ?? null);
  push('utilization', u?.memory ?? null, 'memory');
  push('temperature', read('temperature', () => nvml.temperature(g.handle)));
  push('clock', read('clock', () => nvml.clock(g.handle, CLOCK.SM)));
  push('clock', read('memory clock', () => nvml.clock(g.handle, CLOCK.MEM)), 'memory');
  const reasons = read('throttle reasons', () => nvml.throttleReasons(g.handle));
  if (reasons !== null) out.push({ t, device: g.id, quantity: 'throttle', value: Number(reasons), mask: reasons });
  const m = read('memory', () => nvml.memory(g.handle));
  push('memory.used', m?.used ?? null);
  push('memory.total', m?.total ?? null);
  push('pstate', read('performance state', () => nvml.pstate(g.handle)));
}

/** Identity, power sources and sensors of GPU i, added to `into`; throws when NVML cannot describe it. */
function describeGpu(nvml: Nvml, i: number, driver: string, into: { devices: TelemetryDevice[]; sensors: SensorInfo[]; missing: MissingSensor[] }): Gpu {
  const { devices, sensors, missing } = into;
  const handle = nvml.handle(i);
  const pci = normalisePci(nvml.pciBusId(handle));
  const id = `nvidia:${pci ?? i}`;
  const name = nvml.name(handle);
  const arch = nvml.architecture(handle);
  const identity = { index: i, uuid: nvml.uuid(handle), driverVersion: driver, architecture: arch, powerLimitWatts: nvml.powerLimitWatts(handle) };
  const fields = nvml.fields(handle, [FIELD.TOTAL_ENERGY_CONSUMPTION, FIELD.POWER_INSTANT, FIELD.POWER_AVERAGE]);
  const [fEnergy, fInstant, fAverage] = fields.map((f) => f.ok);
  const energy = fEnergy ? 'field' : nvml.energyJoules(handle) !== null ? 'call' : null;
  const kind = powerUsageKind(arch, name, nvml.pciDeviceId(handle));
  const power = powerSources({ instant: Boolean(fInstant), average: Boolean(fAverage) }, nvml.powerWatts(handle) !== null, kind);
  // Every call that can fail is behind: the GPU is described whole or not at all.
  devices.push({ id, vendor: 'nvidia', name, pciBusId: pci, identity });
  const base = { sampler: 'nvml', device: id };
  const observed = arch && PART_TIME_ARCHS.includes(arch) ? { observedFraction: 0.25 } : {};
  if (energy) {
    sensors.push({
      ...base,
      quantity: 'energy',
      unit: 'J',
      description: 'NVML total energy counter (mJ since the driver loaded)',
      accuracy: NVML_POWER_ACCURACY,
      resolution: 1e-3,
      updateIntervalSeconds: 0.1,
      ...observed,
      // Windows shorter than ~5 s give noisy energy on part-time-sampled sensors (SC'24; ML.ENERGY).
      minWindowSeconds: 5,
    });
  } else missing.push({ ...base, quantity: 'energy', reason: 'NVML has no energy counter for this GPU (before Volta)' });
  sensors.push(...powerSensors(base, power, kind, observed));
  if (!power.instant && !power.average) missing.push({ ...base, quantity: 'power', reason: 'NVML reports no power reading for this GPU' });
  sensors.push({ ...base, quantity: 'utilization', unit: 'ratio', description: 'GPU busy share (and memory controller busy share as component "memory")' });
  sensors.push({ ...base, quantity: 'temperature', unit: '°C', description: 'GPU core temperature' });
  sensors.push({ ...base, quantity: 'clock', unit: 'Hz', description: 'SM clock (and memory clock as component "memory")' });
  sensors.push({ ...base, quantity: 'throttle', unit: 'flags', description: 'clock-event (throttle) reasons', flags: THROTTLE_REASONS });
  sensors.push({ ...base, quantity: 'memory.used', unit: 'byte', description: 'device memory in use' });
  sensors.push({ ...base, quantity: 'pstate', unit: 'state', description: 'performance state (P0 fastest)' });
  return { handle, id, energy, power, lastEnergy: null, energyOffset: 0 };
}

/** Joules from the energy counter, kept monotonic: the counter only resets when the driver reloads. */
function counterJoules(g: Gpu, joules: number | null): number | null {
  if (joules === null) return null;
  if (g.lastEnergy !== null && joules < g.lastEnergy) g.energyOffset += g.lastEnergy - joules;
  g.lastEnergy = joules;
  return joules + g.energyOffset;
}
