/**
 * The physical devices telemetry can see, and which of them a compute device
 * draws its power from. Backends and samplers name devices independently
 * (webgpu0 is an adapter; the sensor is on a PCI card or the CPU package), so
 * results are attached to sensors here, once, by identity:
 *   1. the CPU backend's device is the host CPU;
 *   2. a software adapter (lavapipe, SwiftShader) runs on the host CPU, so its
 *      energy is the CPU's;
 *   3. a GPU is matched by PCI bus id where the backend knows it;
 *   4. otherwise by vendor, only when exactly one such device has sensors.
 */
import type { DeviceInfo } from '../backends/backend.js';

export interface TelemetryDevice {
  /** Id samples carry, e.g. "cpu0", "amdgpu:0000:03:00.0". */
  id: string;
  /** Lower-case vendor: "cpu", "amd", "nvidia", ... */
  vendor: string;
  name: string;
  /** PCI bus id "dddd:bb:dd.f", lower case, where there is one. */
  pciBusId: string | null;
  /** Identity and settings as found (UUID, driver, power limit, ...), for listings and reports. */
  identity?: Record<string, string | number | boolean | null>;
}

export type TelemetryMatch = { id: string; note: string | null } | { id: null; reason: string };

/** "dddd:bb:dd.f" in lower case from the ways drivers write a PCI bus id; null when it is not one. */
export function normalisePci(id: unknown): string | null {
  if (typeof id !== 'string' || id === '') return null;
  // NVML writes "00000000:17:00.0"; sysfs "0000:17:00.0".
  const m = /^(?:[0-9a-f]*?)([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(id.trim());
  return m ? `${m[1]}:${m[2]}:${m[3]}.${m[4]}`.toLowerCase() : null;
}

export function matchTelemetryDevice(device: DeviceInfo, known: readonly TelemetryDevice[], cpuId: string): TelemetryMatch {
  if (device.kind === 'cpu') return { id: cpuId, note: null };
  if (device.identity.software === true) {
    return { id: cpuId, note: `${device.id} is a software adapter that runs on the host CPU: its telemetry and energy are the CPU's` };
  }
  const pci = normalisePci(device.identity.pciBusId);
  if (pci) {
    const byPci = known.find((k) => k.pciBusId === pci);
    if (byPci) return { id: byPci.id, note: null };
  }
  const vendor = (device.vendor ?? '').toLowerCase();
  const sameVendor = known.filter((k) => k.vendor !== 'cpu' && vendor !== '' && (vendor.includes(k.vendor) || k.vendor.includes(vendor)));
  if (sameVendor.length === 1) {
    return { id: sameVendor[0]!.id, note: pci ? null : `${device.id} matched to ${sameVendor[0]!.name} (${sameVendor[0]!.id}) as the only ${vendor} device with sensors` };
  }
  if (sameVendor.length > 1) {
    return { id: null, reason: `${sameVendor.length} ${vendor} devices have sensors and the backend gives no PCI bus id to tell which is ${device.id}` };
  }
  return { id: null, reason: `no power sensor found for ${device.name}${vendor ? ` (vendor ${vendor})` : ''}` };
}
