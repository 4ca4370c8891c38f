import { describe, expect, it } from 'vitest';
import { matchTelemetryDevice, type TelemetryDevice } from '../../src/telemetry/devices.js';
import type { DeviceInfo } from '../../src/backends/backend.js';

function device(over: Partial<DeviceInfo>): DeviceInfo {
  return { id: 'webgpu0', backend: 'webgpu', name: 'GPU', vendor: null, kind: 'gpu', identity: {}, settings: {}, limits: {}, ...over };
}

const cpu: TelemetryDevice = { id: 'cpu0', vendor: 'cpu', name: 'host CPU', pciBusId: null };
const amd1: TelemetryDevice = { id: 'amdgpu:0000:03:00.0', vendor: 'amd', name: 'MI210', pciBusId: '0000:03:00.0' };
const amd2: TelemetryDevice = { id: 'amdgpu:0000:83:00.0', vendor: 'amd', name: 'MI210', pciBusId: '0000:83:00.0' };
const nv: TelemetryDevice = { id: 'nvidia:0000:17:00.0', vendor: 'nvidia', name: 'H100', pciBusId: '0000:17:00.0' };

describe('which sensors a compute device draws its power from', () => {
  it('the CPU backend: the host CPU', () => {
    expect(matchTelemetryDevice(device({ id: 'cpu0', backend: 'cpu', kind: 'cpu' }), [cpu], 'cpu0')).toEqual({ id: 'cpu0', note: null });
  });

  it('a software adapter runs on the CPU, and says so', () => {
    const m = matchTelemetryDevice(device({ kind: 'other', identity: { software: true } }), [cpu, amd1], 'cpu0');
    expect(m.id).toBe('cpu0');
    expect((m as { note: string }).note).toMatch(/software adapter/);
  });

  it('by PCI bus id, whatever the writing (NVML pads the domain to 8 digits)', () => {
    expect(matchTelemetryDevice(device({ identity: { pciBusId: '00000000:17:00.0' } }), [cpu, nv], 'cpu0').id).toBe(nv.id);
    expect(matchTelemetryDevice(device({ vendor: 'amd', identity: { pciBusId: '0000:83:00.0' } }), [amd1, amd2], 'cpu0').id).toBe(amd2.id);
  });

  it('by vendor only when unambiguous, and otherwise says why not', () => {
    const one = matchTelemetryDevice(device({ vendor: 'amd' }), [cpu, amd1], 'cpu0');
    expect(one.id).toBe(amd1.id);
    expect((one as { note: string }).note).toMatch(/only amd device/);
    const two = matchTelemetryDevice(device({ vendor: 'amd' }), [cpu, amd1, amd2], 'cpu0');
    expect(two).toEqual({ id: null, reason: '2 amd devices have sensors and the backend gives no PCI bus id to tell which is webgpu0' });
    expect(matchTelemetryDevice(device({ vendor: 'intel' }), [cpu, amd1], 'cpu0').id).toBeNull();
  });
});
