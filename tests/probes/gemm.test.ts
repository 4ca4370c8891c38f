import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gemm from '../../probes/gemm.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { findBlas } from '../../src/backends/cpu/blas.js';
import { requireComponent } from '../helpers.js';
import { openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('gemm', () => {
  it('counts 2n³ FLOP', () => {
    expect(gemm.work({ dtype: 'f32', n: 512 }).flop).toBe(2 * 512 ** 3);
  });

  it('references sampled entries of C in float64, each with its Σ|a·b| scale', async () => {
    const params = { dtype: 'f32' as const, n: 64 };
    const inputs = gemm.inputs(1, params);
    const ref = (await gemm.reference(inputs, params));
    expect(ref.values.length).toBe(64 * 64); // every entry when n² is small
    const [i, j] = [5, 9];
    let s = 0;
    for (let k = 0; k < 64; k++) s += inputs.A![i * 64 + k]! * inputs.B![k * 64 + j]!;
    expect(ref.values[i * 64 + j]).toBeCloseTo(s, 12);
    const big = (await gemm.reference(gemm.inputs(1, { dtype: 'f32', n: 128 }), { dtype: 'f32', n: 128 }));
    expect(big.indices!.length).toBe(4096);
  });

  it('runs through the system BLAS when there is one', async (ctx) => {
    requireComponent(ctx, findBlas().found, 'a system BLAS (libopenblas0-pthread)');
    const r = await runProbeOnCpu(cpu, gemm, { dtype: 'f32', n: 256 });
    expect(r.engine).toMatch(/cblas_sgemm/);
    expect(r.check.passed).toBe(true);
  });

  it('runs flopmeter’s WebAssembly kernel as the fallback, for sizes that do not split evenly', async () => {
    const saved = process.env.FLOPMETER_BLAS;
    process.env.FLOPMETER_BLAS = 'none';
    try {
      for (const n of [64, 320]) {
        const r = await runProbeOnCpu(cpu, gemm, { dtype: 'f32', n });
        expect(r.engine).toBe('wasm-simd128');
        expect(r.check.passed).toBe(true);
        expect(r.check.maxRelError!).toBeLessThan(1e-6);
      }
    } finally {
      if (saved === undefined) delete process.env.FLOPMETER_BLAS;
      else process.env.FLOPMETER_BLAS = saved;
    }
  });
});
