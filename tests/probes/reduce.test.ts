import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reduce from '../../probes/reduce.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { CPU_ENGINE_NAME, CPU_ENGINES, onCpuEngine, openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('reduce', () => {
  it('counts the array read once', () => {
    expect(reduce.work({ n: 4096 })).toEqual({ bytes: 16384, items: 4096, flop: 4096 });
  });

  for (const engine of CPU_ENGINES) {
    it(`sums a large array on the CPU (${engine}) within the blocked-summation bound`, async (ctx) => {
      const r = await onCpuEngine(ctx, engine, () => runProbeOnCpu(cpu, reduce, { n: 1 << 22 }));
      expect(r.engine).toMatch(CPU_ENGINE_NAME[engine]);
      expect(r.check.passed).toBe(true);
      expect(r.check.compared).toBe(1);
      // Blocked float32/float64 summation: far inside 32 u.
      expect(r.check.maxRelError!).toBeLessThan(1e-6);
    });
  }
});
