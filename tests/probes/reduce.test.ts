import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reduce from '../../probes/reduce.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('reduce', () => {
  it('counts the array read once', () => {
    expect(reduce.work({ n: 4096 })).toEqual({ bytes: 16384, items: 4096, flop: 4096 });
  });

  it('sums a large array on the CPU within the blocked-summation bound', async () => {
    const r = await runProbeOnCpu(cpu, reduce, { n: 1 << 22 });
    expect(r.check.passed).toBe(true);
    expect(r.check.compared).toBe(1);
    // Blocked float32/float64 summation: far inside 32 u.
    expect(r.check.maxRelError!).toBeLessThan(1e-6);
  });
});
