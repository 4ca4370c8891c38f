import { describe, expect, it } from 'vitest';
import { processFamilies } from '../../src/exporter/process-metrics.js';
import type { DeviceProcessEnergy } from '../../src/telemetry/process-ledger.js';

const gpu: DeviceProcessEnergy = {
  device: 'nvidia:0000:10:00.0',
  activityKind: 'sm',
  idleWatts: 60,
  idleSource: 'learnt',
  idleJoules: 600,
  unattributedJoules: 5,
  accountedJoules: 905,
  periodSeconds: 1,
  processes: [
    { pid: 42, command: 'python3', containerId: 'ab'.repeat(32), podUid: '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f', energyJoules: 250, powerWatts: 140, activity: 300 },
    { pid: 43, command: '', containerId: '', podUid: '', energyJoules: 50, powerWatts: 0, activity: 60 },
  ],
};

describe('energy per process as metric families', () => {
  it('labels each process by device, pid, command, container and pod, empty where unknown', () => {
    const families = new Map(processFamilies({ devices: [gpu], problems: {} }).map((f) => [f.name, f]));
    const energy = families.get('flopmeter_process_energy_joules_total')!;
    expect(energy.type).toBe('counter');
    expect(energy.help).toMatch(/^Energy a process used .*An estimate: .*SM utilisation.*idle energy is not split/);
    expect(energy.samples).toEqual([
      { labels: { device: gpu.device, pid: '42', command: 'python3', container_id: 'ab'.repeat(32), pod_uid: '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f' }, value: 250 },
      { labels: { device: gpu.device, pid: '43', command: '', container_id: '', pod_uid: '' }, value: 50 },
    ]);
    expect(families.get('flopmeter_process_power_watts')!.samples.map((s) => ('value' in s ? s.value : NaN))).toEqual([140, 0]);
    expect(families.get('flopmeter_device_idle_power_watts')!.samples).toEqual([{ labels: { device: gpu.device }, value: 60 }]);
    expect(families.get('flopmeter_device_idle_energy_joules_total')!.samples).toEqual([{ labels: { device: gpu.device }, value: 600 }]);
    expect(families.get('flopmeter_device_unattributed_energy_joules_total')!.samples).toEqual([{ labels: { device: gpu.device }, value: 5 }]);
  });

  it('leaves out an idle power not known, and a device whose energy was never split', () => {
    const unknown = { ...gpu, idleWatts: null, idleSource: null };
    const never = { ...gpu, device: 'cpu0', periodSeconds: 0, processes: [] };
    const families = new Map(processFamilies({ devices: [unknown, never], problems: {} }).map((f) => [f.name, f]));
    expect(families.get('flopmeter_device_idle_power_watts')!.samples).toEqual([]);
    expect(families.get('flopmeter_device_idle_energy_joules_total')!.samples.map((s) => s.labels.device)).toEqual([gpu.device]);
    expect(processFamilies(null).every((f) => f.samples.length === 0)).toBe(true);
  });
});
