/**
 * Device telemetry as metric families, from the sampler's latest values at
 * scrape time (the sampler runs in its own thread; a scrape only reads memory).
 * A reading older than the staleness limit is left out: missing, not zero.
 */
import type { DeviceInfo } from '../backends/backend.js';
import { matchTelemetryDevice } from '../telemetry/devices.js';
import type { Telemetry } from '../telemetry/service.js';
import type { Quantity } from '../telemetry/types.js';
import { family, labels, type Family, type Sample } from './family.js';
import { healthFamilies } from './health-metrics.js';

/** Readings older than this are stale and left out (ten periods of the slowest sampler, 0.5 s). */
const STALE_NS = 5e9;

const GAUGES: Partial<Record<Quantity, { name: string; help: string }>> = {
  power: { name: 'flopmeter_device_power_watts', help: 'Power draw (component "device": the instantaneous reading where there is one; "average-1s": a 1 s average).' },
  utilization: { name: 'flopmeter_device_utilization_ratio', help: 'Busy share, 0 to 1 (component "device": the whole device).' },
  temperature: { name: 'flopmeter_device_temperature_celsius', help: 'Temperature.' },
  clock: { name: 'flopmeter_device_clock_hertz', help: 'Current clock (component "device": SM or core clock; "memory": memory clock).' },
  'memory.used': { name: 'flopmeter_device_memory_used_bytes', help: 'Memory in use.' },
  'memory.total': { name: 'flopmeter_device_memory_total_bytes', help: 'Memory size.' },
  pstate: { name: 'flopmeter_device_performance_state', help: 'Performance state (P0 is the fastest).' },
};

export function telemetryFamilies(telemetry: Telemetry, computeDevices: readonly DeviceInfo[], nowNs: number, cpuDevice: string): Family[] {
  const byQuantity = new Map<Quantity, Sample[]>();
  const energy: Sample[] = [];
  const throttle: Sample[] = [];
  for (const d of telemetry.devices) {
    const flags = telemetry.sensors.find((x) => x.device === d.id && x.quantity === 'throttle')?.flags ?? {};
    for (const { quantity, component, series } of telemetry.store.seriesOf(d.id)) {
      const last = series.length - 1;
      if (last < 0 || nowNs - series.t[last]! > STALE_NS) continue;
      const value = series.v[last]!;
      if (quantity === 'energy') {
        if (!component) energy.push({ labels: { device: d.id }, value });
      } else if (quantity === 'throttle') {
        if (!component) for (const [bit, name] of Object.entries(flags)) throttle.push({ labels: { device: d.id, reason: name }, value: series.maskAt(last) & BigInt(bit) ? 1 : 0 });
      } else if (GAUGES[quantity]) {
        const list = byQuantity.get(quantity) ?? [];
        list.push({ labels: { device: d.id, component: component ?? 'device' }, value });
        byQuantity.set(quantity, list);
      }
    }
  }
  const families: Family[] = [];
  for (const [q, meta] of Object.entries(GAUGES) as Array<[Quantity, { name: string; help: string }]>) {
    families.push(family(meta.name, meta.help, 'gauge', byQuantity.get(q) ?? []));
  }
  families.push(family('flopmeter_device_energy_joules_total', 'Energy used, from the device’s own energy counter (its origin is the device’s, e.g. the driver’s load; use rate() or increase()).', 'counter', energy));
  families.push(family('flopmeter_device_throttle_reason_active', 'Whether a clock-event (throttle) reason is active now, one series per reason.', 'gauge', throttle));
  families.push(
    family(
      'flopmeter_device_power_limit_watts',
      'Enforced power limit, as found (flopmeter never changes it).',
      'gauge',
      telemetry.devices.map((d) => ({ labels: { device: d.id }, value: Number(d.identity?.powerLimitWatts ?? NaN) })),
    ),
  );
  families.push(
    family(
      'flopmeter_device_info',
      'A physical device telemetry sees, with its identity.',
      'gauge',
      telemetry.devices.map((d) => ({
        labels: labels({ device: d.id, name: d.name, vendor: d.vendor, pci_bus_id: d.pciBusId, uuid: d.identity?.uuid as string, driver: d.identity?.driverVersion as string }),
        value: 1,
      })),
    ),
  );
  families.push(
    family(
      'flopmeter_compute_device_info',
      'A device a backend computes on, and the physical device whose sensors it draws from.',
      'gauge',
      computeDevices.map((d) => {
        const m = matchTelemetryDevice(d, telemetry.devices, cpuDevice);
        return { labels: labels({ device: d.id, backend: d.backend, name: d.name, telemetry_device: m.id }), value: 1 };
      }),
    ),
  );
  families.push(...healthFamilies(telemetry));
  return families;
}
