import { describe, expect, it } from 'vitest';
import { isGa100, powerSources, powerUsageKind } from '../../src/telemetry/nvml-power.js';

describe('what nvmlDeviceGetPowerUsage reads', () => {
  it('tells GA100 by its PCI device id (0x20xx), else by name', () => {
    expect(isGa100('NVIDIA A100-SXM4-80GB', 0x20b2)).toBe(true);
    expect(isGa100('NVIDIA A30', 0x20b7)).toBe(true);
    expect(isGa100('NVIDIA A10', 0x2236)).toBe(false);
    expect(isGa100('NVIDIA A100 80GB PCIe', null)).toBe(true);
    expect(isGa100('NVIDIA A800-SXM4-80GB', null)).toBe(true);
    expect(isGa100('NVIDIA RTX A3000 Laptop GPU', null)).toBe(false);
    expect(isGa100('NVIDIA GeForce RTX 3090', null)).toBe(false);
  });

  it('instantaneous on GA100 and older, a 1 s average on later GPUs', () => {
    const reading = (arch: string | null, name = 'gpu', id: number | null = null) => powerUsageKind(arch, name, id).reading;
    expect(['Kepler', 'Pascal', 'Volta', 'Turing'].map((a) => reading(a))).toEqual(Array(4).fill('instantaneous'));
    expect(reading('Ampere', 'NVIDIA A100-SXM4-40GB', 0x20b0)).toBe('instantaneous');
    expect(reading('Ampere', 'NVIDIA GeForce RTX 3090', 0x2204)).toBe('average-1s');
    expect(['Ada', 'Hopper', 'Blackwell', 'Rubin', 'unknown (presumably newer)', null].map((a) => reading(a))).toEqual(Array(6).fill('average-1s'));
  });

  it('takes each reading from a field where there is one, else from the call where it is that reading', () => {
    const instant = powerUsageKind('Volta', 'Tesla V100', 0x1db1);
    const average = powerUsageKind('Hopper', 'H100', 0x2330);
    expect(powerSources({ instant: false, average: false }, true, instant)).toEqual({ instant: 'call', average: null });
    expect(powerSources({ instant: false, average: false }, true, average)).toEqual({ instant: null, average: 'call' });
    expect(powerSources({ instant: true, average: false }, true, average)).toEqual({ instant: 'field', average: 'call' });
    expect(powerSources({ instant: true, average: true }, false, average)).toEqual({ instant: 'field', average: 'field' });
  });
});
