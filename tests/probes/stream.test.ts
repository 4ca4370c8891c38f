import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import stream, { STREAM_SCALAR } from '../../probes/stream.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { CPU_ENGINE_NAME, CPU_ENGINES, onCpuEngine, openCpu, runProbe as runProbeOnCpu } from './run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

describe('stream', () => {
  it('counts bytes as STREAM does', () => {
    expect(stream.work({ op: 'copy', dtype: 'f64', n: 1000 }).bytes).toBe(16_000);
    expect(stream.work({ op: 'scale', dtype: 'f64', n: 1000 }).bytes).toBe(16_000);
    expect(stream.work({ op: 'add', dtype: 'f64', n: 1000 }).bytes).toBe(24_000);
    expect(stream.work({ op: 'triad', dtype: 'f64', n: 1000 })).toEqual({ bytes: 24_000, items: 1000, flop: 2000 });
  });

  it('has seeded, non-constant inputs and a reference that follows the STREAM definitions', async () => {
    const inputs = stream.inputs(1, { op: 'triad', dtype: 'f64', n: 1024 });
    const { a, b, c } = inputs as Record<string, Float64Array>;
    expect(new Set(a).size).toBe(1024);
    expect((await stream.reference(inputs, { op: 'copy', dtype: 'f64', n: 1024 })).values[7]).toBe(a![7]);
    expect((await stream.reference(inputs, { op: 'scale', dtype: 'f64', n: 1024 })).values[7]).toBe(STREAM_SCALAR * c![7]!);
    expect((await stream.reference(inputs, { op: 'add', dtype: 'f64', n: 1024 })).values[7]).toBe(a![7]! + b![7]!);
    expect((await stream.reference(inputs, { op: 'triad', dtype: 'f64', n: 1024 })).values[7]).toBe(b![7]! + STREAM_SCALAR * c![7]!);
  });

  for (const engine of CPU_ENGINES) {
    for (const op of ['copy', 'scale', 'add', 'triad'] as const) {
      it(`${op} runs on the CPU backend (${engine}) and matches the reference exactly`, async (ctx) => {
        const r = await onCpuEngine(ctx, engine, () => runProbeOnCpu(cpu, stream, { op, dtype: 'f64', n: 1 << 16 }));
        expect(r.engine).toMatch(engine === 'wasm' ? /^wasm-simd128$/ : CPU_ENGINE_NAME.native);
        expect(r.check).toMatchObject({ passed: true, maxRelError: 0, compared: 1 << 16 });
        expect(r.window.iterations).toBeGreaterThanOrEqual(2);
        expect(r.window.seconds).toBeGreaterThan(0);
      });
    }
  }

  for (const engine of CPU_ENGINES) {
    it(`covers an array that does not split evenly among threads (${engine})`, async (ctx) => {
      const odd = await openCpu(3);
      try {
        const r = await onCpuEngine(ctx, engine, () => runProbeOnCpu(odd, stream, { op: 'triad', dtype: 'f64', n: 1024 * 7 }));
        expect(r.engine).toMatch(CPU_ENGINE_NAME[engine]);
        expect(r.check).toMatchObject({ passed: true, maxRelError: 0 });
      } finally {
        await odd.close();
      }
    });
  }
});
