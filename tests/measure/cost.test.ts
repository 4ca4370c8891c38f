import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/measure/cost.js';
import { findProbe } from '../../probes/index.js';

const cpu = { backend: 'cpu' as const, kind: 'cpu' as const, identity: {} };
const lavapipe = { backend: 'webgpu' as const, kind: 'other' as const, identity: { software: true } };
const h100 = { backend: 'cuda' as const, kind: 'gpu' as const, identity: {} };

describe('estimateCost', () => {
  it('scales a kernel’s iteration with its work, bounded below by the engine’s per-iteration floor', () => {
    const stream = findProbe('stream')!;
    const small = estimateCost(stream, { op: 'triad', dtype: 'f64', n: 2 ** 20 }, cpu, 0.05);
    const large = estimateCost(stream, { op: 'triad', dtype: 'f64', n: 2 ** 24 }, cpu, 0.05);
    // 2^20 doubles × 3 arrays × 8 bytes = 25.2 MB at 8 GB/s: 3.1 ms; 16 × that for 2^24.
    expect(small.iterationSeconds).toBeCloseTo((3 * 8 * 2 ** 20) / 8e9, 12);
    expect(large.iterationSeconds / small.iterationSeconds).toBeCloseTo(16, 9);
    expect(large.fixedSeconds).toBeGreaterThan(small.fixedSeconds);
    const latency = estimateCost(findProbe('launch-latency')!, {}, h100, 0.05);
    expect(latency.iterationSeconds).toBe(50e-6);
  });

  it('takes a software adapter for far slower than a hardware GPU', () => {
    const gemm = findProbe('gemm')!;
    const soft = estimateCost(gemm, { dtype: 'f32', n: 512 }, lavapipe, 0.05);
    const hard = estimateCost(gemm, { dtype: 'f32', n: 512 }, h100, 0.05);
    expect(soft.iterationSeconds / hard.iterationSeconds).toBeGreaterThan(100);
  });

  it('rates a model by its engine, with the reference engine’s run and the model setup in the fixed cost', () => {
    const mlp = findProbe('mlp')!;
    const params = { scenario: 'offline', engine: 'tfjs-wasm', width: 256, depth: 3, batch: 16 };
    const flop = mlp.work(params).flop!;
    const wasm = estimateCost(mlp, params, cpu, 0.05);
    const js = estimateCost(mlp, { ...params, engine: 'tfjs-cpu' }, cpu, 0.05);
    expect(wasm.iterationSeconds).toBeCloseTo(flop / 1.5e9, 12);
    expect(js.iterationSeconds).toBeCloseTo(flop / 0.3e9, 12);
    // Fixed: model setup (3 s) + the reference on tfjs-cpu + inputs + the warm-up, whatever the engine.
    expect(wasm.fixedSeconds).toBeGreaterThan(3 + flop / 0.3e9);
  });
});
