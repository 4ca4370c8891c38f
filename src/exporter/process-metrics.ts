/**
 * Energy per process as metric families, from the telemetry worker's latest
 * split (src/telemetry/process-accounting.ts): a scrape only reads memory.
 * Label values the exporter cannot know (a process in another pid namespace,
 * one outside any container) are empty, as Prometheus spells "unknown".
 */
import type { ProcessAccountingSnapshot } from '../telemetry/process-accounting.js';
import { PROCESS_ENERGY_METHOD, type DeviceProcessEnergy } from '../telemetry/process-ledger.js';
import { family, type Family, type Sample } from './family.js';

const METHOD = PROCESS_ENERGY_METHOD;

function processSamples(d: DeviceProcessEnergy, value: (p: DeviceProcessEnergy['processes'][number]) => number): Sample[] {
  return d.processes.map((p) => ({
    labels: { device: d.device, pid: String(p.pid), command: p.command, container_id: p.containerId, pod_uid: p.podUid },
    value: value(p),
  }));
}

export function processFamilies(snapshot: ProcessAccountingSnapshot | null): Family[] {
  // A device whose energy was never split (no counter readings yet) has no series: missing, not zero.
  const devices = (snapshot?.devices ?? []).filter((d) => d.periodSeconds > 0);
  const perDevice = (value: (d: DeviceProcessEnergy) => number | null): Sample[] => devices.map((d) => ({ labels: { device: d.device }, value: value(d) ?? NaN }));
  return [
    family('flopmeter_process_energy_joules_total', `Energy a process used on a device since it was first seen, J. ${METHOD}`, 'counter', devices.flatMap((d) => processSamples(d, (p) => p.energyJoules))),
    family('flopmeter_process_power_watts', `Power a process drew on a device over the last accounting period, W. ${METHOD}`, 'gauge', devices.flatMap((d) => processSamples(d, (p) => p.powerWatts))),
    family(
      'flopmeter_device_idle_power_watts',
      'The device’s idle power, kept apart from energy per process (not split): learnt from periods in which none of its processes was active, or a measured idle baseline. Absent while not known.',
      'gauge',
      perDevice((d) => d.idleWatts),
    ),
    family('flopmeter_device_idle_energy_joules_total', 'Device energy accounted as idle (not split among processes) since the exporter started, J.', 'counter', perDevice((d) => d.idleJoules)),
    family('flopmeter_device_unattributed_energy_joules_total', 'Device energy above idle in accounting periods with no active process, J.', 'counter', perDevice((d) => d.unattributedJoules)),
  ];
}
