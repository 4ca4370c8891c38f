/**
 * What NVML's power readings are on a given GPU. nvml.h (NVML API 13) says of
 * nvmlDeviceGetPowerUsage: "On Ampere (except GA100) or newer GPUs, the API
 * returns power averaged over 1 sec interval. On GA100 and older
 * architectures, instantaneous power is returned"; the POWER_AVERAGE field
 * (185) exists on Ampere (except GA100) and newer, POWER_INSTANT (186) on all.
 * So the same call is labelled by the architecture (nvmlDeviceGetArchitecture),
 * and GA100 is told from the other Ampere chips by its PCI device id or name.
 */
import type { SensorInfo } from './types.js';

/** What nvmlDeviceGetPowerUsage returns on one GPU. */
export interface PowerUsageKind {
  reading: 'instantaneous' | 'average-1s';
  /** Why, for the sensor's description: the architecture and the rule it falls under. */
  why: string;
}

/** Architectures before Ampere: nvmlDeviceGetPowerUsage is instantaneous there. */
const BEFORE_AMPERE = ['Kepler', 'Maxwell', 'Pascal', 'Volta', 'Turing'];

/**
 * GA100 (A100, A30, A800): NVIDIA numbers PCI device ids by chip, GA100's in
 * 0x20xx (e.g. 0x20b0 A100-SXM4-40GB, 0x20b5 A100 80GB PCIe; GA102 is 0x22xx,
 * GH100 0x23xx). The name is the fallback where the id is not known.
 */
export function isGa100(name: string, pciDeviceId: number | null): boolean {
  if (pciDeviceId !== null && pciDeviceId > 0) return (pciDeviceId & 0xff00) === 0x2000;
  return /\bA(100|30|800)\b/.test(name);
}

/** What nvmlDeviceGetPowerUsage reads, from the architecture NVML reports (null: NVML could not say). */
export function powerUsageKind(architecture: string | null, name: string, pciDeviceId: number | null): PowerUsageKind {
  if (architecture === 'Ampere' && isGa100(name, pciDeviceId)) return { reading: 'instantaneous', why: 'Ampere GA100 (GA100 and older: instantaneous)' };
  if (architecture && BEFORE_AMPERE.includes(architecture)) return { reading: 'instantaneous', why: `${architecture} (GA100 and older: instantaneous)` };
  if (architecture) return { reading: 'average-1s', why: `${architecture} (Ampere except GA100, and later: a 1 s average)` };
  // Without nvmlDeviceGetArchitecture (drivers before 460) the GPU is unknown: the average needs the longer windows, the safe side.
  return { reading: 'average-1s', why: 'an architecture NVML did not report, assumed later than GA100 (a 1 s average)' };
}

/** Where a GPU's instantaneous and 1 s average power come from: a field of nvmlDeviceGetFieldValues, nvmlDeviceGetPowerUsage, or nowhere. */
export interface PowerSources {
  instant: 'field' | 'call' | null;
  average: 'field' | 'call' | null;
}

export function powerSources(fields: { instant: boolean; average: boolean }, usageCall: boolean, kind: PowerUsageKind): PowerSources {
  return {
    instant: fields.instant ? 'field' : usageCall && kind.reading === 'instantaneous' ? 'call' : null,
    average: fields.average ? 'field' : usageCall && kind.reading === 'average-1s' ? 'call' : null,
  };
}

/** NVIDIA documents the board power reading as accurate to ±5 W (nvidia-smi's documentation of power.draw). */
export const NVML_POWER_ACCURACY = { absolute: 5, source: 'nvidia-smi documentation: power draw accurate to ±5 W' };

/**
 * The power sensors of one GPU: the instantaneous reading is the device's power
 * series where there is one, and the 1 s average then its component "average-1s".
 */
export function powerSensors(base: { sampler: string; device: string }, sources: PowerSources, kind: PowerUsageKind, observed: Partial<SensorInfo>): SensorInfo[] {
  const sensors: SensorInfo[] = [];
  const call = `nvmlDeviceGetPowerUsage, on ${kind.why}`;
  if (sources.instant) {
    sensors.push({
      ...base,
      quantity: 'power',
      unit: 'W',
      description: `NVML instantaneous power (${sources.instant === 'field' ? 'field POWER_INSTANT' : call})`,
      accuracy: NVML_POWER_ACCURACY,
      resolution: 1e-3,
      updateIntervalSeconds: 0.1,
      ...observed,
    });
  }
  if (sources.average) {
    sensors.push({
      ...base,
      quantity: 'power',
      ...(sources.instant ? { component: 'average-1s' } : {}),
      unit: 'W',
      description: `NVML power averaged over 1 s (${sources.average === 'field' ? 'field POWER_AVERAGE' : call})`,
      accuracy: NVML_POWER_ACCURACY,
      averagingSeconds: 1,
      minWindowSeconds: 5,
    });
  }
  return sensors;
}
