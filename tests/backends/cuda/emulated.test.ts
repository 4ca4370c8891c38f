/**
 * The whole CUDA backend through its real FFI code, on the fake GPU stack of
 * tests/fixtures (libcuda with kernels emulated on the CPU by name, NVRTC and
 * cuBLAS with their real APIs): argument packing for cuLaunchKernel, device and
 * pinned memory, event timing, NVRTC's cache, the PTX fallback, cuBLAS's
 * column-major GEMM behind the row-major probe, and the own-kernel fallback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { cudaBackend } from '../../../src/backends/cuda/index.js';
import type { DeviceSession } from '../../../src/backends/backend.js';
import { findProbe } from '../../../probes/index.js';
import { removeDir, requireComponent, tempDir } from '../../helpers.js';
import { fakePath, hasCompiler } from '../../fixtures/fakes.js';
import { runProbe } from '../../probes/run-probe.js';

const VARS = ['FLOPMETER_LIBCUDA', 'FLOPMETER_NVRTC', 'FLOPMETER_CUBLAS', 'FLOPMETER_CACHE_DIR', 'FAKE_NVRTC_FAIL'];
let cache = '';
let ready = false;

function useFakes(over: Partial<Record<'nvrtc' | 'cublas', string>> = {}): void {
  process.env.FLOPMETER_LIBCUDA = fakePath('cuda');
  process.env.FLOPMETER_NVRTC = over.nvrtc ?? fakePath('nvrtc');
  process.env.FLOPMETER_CUBLAS = over.cublas ?? fakePath('cublas');
  process.env.FLOPMETER_CACHE_DIR = cache;
}

async function open(): Promise<DeviceSession> {
  const d = await cudaBackend.discover();
  if (!d.available) throw new Error(d.reason);
  return cudaBackend.open(d.devices[0]!, {});
}

beforeAll(() => {
  ready = hasCompiler();
  cache = tempDir('cuda-cache-');
});
afterAll(() => removeDir(cache));
afterEach(() => VARS.forEach((v) => delete process.env[v]));

function need(ctx: TestContext): void {
  requireComponent(ctx, ready, 'a C compiler (gcc) for the fake GPU stack');
}

describe('the CUDA backend on the emulated GPU stack', () => {
  const cases: Array<[string, Record<string, string | number>, RegExp]> = [
    ['stream', { op: 'triad', dtype: 'f64', n: 1 << 16 }, /^cuda sm_90 \(NVRTC cubin\)$/],
    ['stream', { op: 'scale', dtype: 'f32', n: 1 << 16 }, /NVRTC/],
    ['fma-peak', { dtype: 'f32', n: 6144, k: 64 }, /NVRTC/],
    ['fma-peak', { dtype: 'f16', n: 6144, k: 64 }, /NVRTC/],
    ['reduce', { n: 1 << 18 }, /NVRTC/],
    ['launch-latency', {}, /NVRTC/],
    ['gemm', { dtype: 'f32', n: 128 }, /^cuBLAS 13\.0\.0 cublasGemmEx \(f32\)$/],
    ['gemm', { dtype: 'tf32', n: 128 }, /\(tf32\)/],
    ['gemm', { dtype: 'f16', n: 128 }, /\(f16\)/],
    ['gemm', { dtype: 'bf16', n: 128 }, /\(bf16\)/],
    ['transfer', { direction: 'h2d', memory: 'pinned', bytes: 2 ** 20 }, /^cuMemcpyHtoDAsync \(pinned host memory\)$/],
    ['transfer', { direction: 'd2h', memory: 'pageable', bytes: 2 ** 20 }, /^cuMemcpyDtoHAsync \(pageable host memory\)$/],
  ];
  for (const [probe, params, engine] of cases) {
    it(`${probe} ${JSON.stringify(params)}`, async (ctx) => {
      need(ctx);
      useFakes();
      const s = await open();
      try {
        const r = await runProbe(s, findProbe(probe)!, params);
        expect(r.engine).toMatch(engine);
        expect(r.check.passed, `max relative error ${r.check.maxRelError}`).toBe(true);
        expect(r.window.iterations).toBeGreaterThanOrEqual(2);
        expect(r.window.seconds).toBeGreaterThan(0);
      } finally {
        await s.close();
      }
    });
  }

  it('times with CUDA events: per-iteration times come from the event pairs', async (ctx) => {
    need(ctx);
    useFakes();
    const s = await open();
    try {
      const probe = findProbe('fma-peak')!;
      const params = { dtype: 'f32', n: 6144, k: 256 };
      const k = await s.prepare(probe, params, probe.inputs(1, params));
      expect(k.timer).toMatchObject({ kind: 'device', resolutionSeconds: 5e-7 });
      const w = await k.runWindow({ minSeconds: 0.1, minIterations: 3, maxIterations: 1e6 });
      expect(w.seconds).toBeGreaterThanOrEqual(0.1);
      expect(w.iterations).toBeGreaterThanOrEqual(3);
      await k.dispose();
    } finally {
      await s.close();
    }
  });

  it('caches compiled kernels on disk, keyed by source, architecture and driver', async (ctx) => {
    need(ctx);
    useFakes();
    const s = await open();
    try {
      const probe = findProbe('reduce')!;
      const params = { n: 1 << 14 };
      const first = await s.prepare(probe, params, probe.inputs(1, params));
      const second = await s.prepare(probe, params, probe.inputs(1, params));
      expect(second.notes.join(' ')).toMatch(/cached/);
      await first.dispose();
      await second.dispose();
    } finally {
      await s.close();
    }
  });

  it('falls back to nvcc’s PTX without NVRTC, and when NVRTC cannot compile, saying why', async (ctx) => {
    need(ctx);
    useFakes({ nvrtc: '/nonexistent/libnvrtc.so.13' });
    let s = await open();
    const probe = findProbe('stream')!;
    const params = { op: 'copy', dtype: 'f64', n: 1 << 12 };
    let r = await runProbe(s, probe, params);
    expect(r.engine).toMatch(/PTX from nvcc/);
    expect(r.check.passed).toBe(true);
    await s.close();
    useFakes();
    process.env.FAKE_NVRTC_FAIL = '1';
    process.env.FLOPMETER_CACHE_DIR = tempDir('cuda-cache-');
    s = await open();
    const k = await s.prepare(probe, params, probe.inputs(1, params));
    expect(k.engine).toMatch(/PTX from nvcc/);
    expect(k.notes.join(' ')).toMatch(/NVRTC could not compile it: NVRTC: compiling stream\.cu failed: NVRTC_ERROR_COMPILATION \(6\): kernel\.cu\(1\): error: forced failure/);
    await k.dispose();
    r = await runProbe(s, probe, params);
    expect(r.check.passed).toBe(true);
    await s.close();
    removeDir(process.env.FLOPMETER_CACHE_DIR);
  });

  it('without cuBLAS: float32 GEMM through flopmeter’s own kernel, other precisions unsupported with the reason', async (ctx) => {
    need(ctx);
    useFakes({ cublas: '/nonexistent/libcublas.so.13' });
    const s = await open();
    try {
      const gemm = findProbe('gemm')!;
      const r = await runProbe(s, gemm, { dtype: 'f32', n: 128 });
      expect(r.engine).toMatch(/^cuda sm_90/);
      expect(r.check.passed).toBe(true);
      expect(s.unsupported(gemm, { dtype: 'bf16', n: 128 })).toBe('cuBLAS is unavailable and flopmeter has no own bf16 GEMM kernel');
    } finally {
      await s.close();
    }
  });

  it('refuses a size beyond the device’s free memory before allocating, naming both', async (ctx) => {
    need(ctx);
    useFakes();
    process.env.FAKE_CUDA_FREE_MIB = '1024';
    const s = await open();
    try {
      // Three float64 arrays of 2^26 elements: 1.5 GiB.
      expect(() => s.checkCapacity(findProbe('stream')!, { op: 'triad', dtype: 'f64', n: 2 ** 26 }, Infinity)).toThrow('needs 1.5 GiB of device memory, but cuda0 has 1.0 GiB free');
      expect(() => s.checkCapacity(findProbe('stream')!, { op: 'triad', dtype: 'f64', n: 2 ** 24 }, Infinity)).not.toThrow();
    } finally {
      delete process.env.FAKE_CUDA_FREE_MIB;
      await s.close();
    }
  });
});
