import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fma, { FMA_A, FMA_B } from '../../probes/fma-peak.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

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

  it('runs on the CPU backend within its a-priori error bound, and the output still depends on the input', async () => {
    const params = { dtype: 'f32' as const, n: 6144 * 2, k: 1024 };
    const r = await runProbeOnCpu(cpu, fma, params);
    expect(r.engine).toMatch(/^wasm-(simd128|relaxed-simd)$/);
    expect(r.check.passed).toBe(true);
    expect(r.check.maxRelError!).toBeLessThan(fma.tolerance(params));
    // A kernel that skipped the work would output ~1 everywhere; this output keeps the input's spread.
    const out = r.output;
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(0.5);
  });
});
