import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fma, { FMA_A, FMA_B } from '../../probes/fma-peak.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { CPU_ENGINE_NAME, CPU_ENGINES, onCpuEngine, openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('fma-peak', () => {
  it('counts 2 FLOP per multiply-add', () => {
    expect(fma.work({ dtype: 'f32', n: 6144, k: 100 }).flop).toBe(2 * 6144 * 100);
  });

  it('has a closed-form reference equal to iterating in float64', async () => {
    const params = { dtype: 'f32' as const, n: 6144, k: 300 };
    const inputs = fma.inputs(3, params);
    const ref = (await fma.reference(inputs, params)).values;
    for (const i of [0, 17, 6143]) {
      let y = inputs.x![i]!;
      for (let s = 0; s < params.k; s++) y = FMA_A * y + FMA_B;
      expect(ref[i]).toBeCloseTo(y, 12);
    }
  });

  for (const engine of CPU_ENGINES) {
    it(`runs on the CPU backend (${engine}) within its a-priori error bound, and the output still depends on the input`, async (ctx) => {
      const params = { dtype: 'f32' as const, n: 6144 * 2, k: 1024 };
      const r = await onCpuEngine(ctx, engine, () => runProbeOnCpu(cpu, fma, params));
      expect(r.engine).toMatch(CPU_ENGINE_NAME[engine]);
      expect(r.check.passed).toBe(true);
      expect(r.check.maxRelError!).toBeLessThan(fma.tolerance(params));
      // A kernel that skipped the work would output ~1 everywhere; this output keeps the input's spread.
      const out = r.output;
      expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.5);
    });

    it(`covers slices that are not whole groups of register chains (${engine}, 3 threads)`, async (ctx) => {
      // 6144 over 3 threads on 48-element boundaries: 2064, 2064 and 2016 elements, none a multiple of
      // 16 chains × 16 lanes = 256, so every narrower path of the native kernel runs.
      const odd = await openCpu(3);
      try {
        const params = { dtype: 'f32' as const, n: 6144, k: 300 };
        const r = await onCpuEngine(ctx, engine, () => runProbeOnCpu(odd, fma, params));
        expect(r.engine).toMatch(CPU_ENGINE_NAME[engine]);
        expect(r.check).toMatchObject({ passed: true, compared: 6144 });
      } finally {
        await odd.close();
      }
    });
  }
});
