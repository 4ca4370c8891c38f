/**
 * On a real NVIDIA GPU: every probe on the CUDA backend, verified; NVML seen
 * through the real driver; counter energy and integrated instant power agree.
 * Skipped, with the reason printed, where there is no GPU.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { cudaBackend } from '../../src/backends/cuda/index.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { runSuite } from '../../src/measure/suite.js';
import { parseOverride } from '../../src/measure/plan.js';
import { Telemetry } from '../../src/telemetry/service.js';
import { findProbe } from '../../probes/index.js';
import { requireDevice } from '../helpers.js';
import { runProbe } from '../probes/run-probe.js';

let session: DeviceSession | null = null;
let why = '';
beforeAll(async () => {
  const d = await cudaBackend.discover();
  if (d.available) session = await cudaBackend.open(d.devices[0]!, {});
  else why = d.reason;
});
afterAll(async () => session?.close());

function gpu(ctx: TestContext): DeviceSession {
  requireDevice(ctx, session !== null, `no CUDA device: ${why}`);
  return session!;
}

const cases: Array<[string, Record<string, string | number>]> = [
  ...(['copy', 'scale', 'add', 'triad'] as const).flatMap((op) => [
    ['stream', { op, dtype: 'f64', n: 1 << 20 }] as [string, Record<string, string | number>],
    ['stream', { op, dtype: 'f32', n: 1 << 20 }] as [string, Record<string, string | number>],
  ]),
  ['fma-peak', { dtype: 'f32', n: 6144 * 16, k: 1024 }],
  ['fma-peak', { dtype: 'f16', n: 6144 * 16, k: 128 }],
  ...(['f32', 'tf32', 'f16', 'bf16'] as const).map((dtype) => ['gemm', { dtype, n: 1024 }] as [string, Record<string, string | number>]),
  ['reduce', { n: 1 << 24 }],
  ['launch-latency', {}],
  ...(['h2d', 'd2h'] as const).flatMap((direction) =>
    (['pinned', 'pageable'] as const).map((memory) => ['transfer', { direction, memory, bytes: 64 * 2 ** 20 }] as [string, Record<string, string | number>]),
  ),
];

describe('probes on CUDA (real GPU)', () => {
  for (const [probe, params] of cases) {
    it(`${probe} ${JSON.stringify(params)}`, async (ctx) => {
      const r = await runProbe(gpu(ctx), findProbe(probe)!, params);
      expect(r.check.passed, `max rel error ${r.check.maxRelError}`).toBe(true);
      expect(r.window.iterations).toBeGreaterThanOrEqual(2);
    });
  }

  it('gemm through flopmeter’s own kernel where cuBLAS is absent', async (ctx) => {
    const s = gpu(ctx);
    // The fallback spec, run directly: the same verification as cuBLAS's.
    const gemm = findProbe('gemm')!;
    const spec = gemm.impl.cuda!({ dtype: 'f32', n: 1024 }, { computeCapability: [9, 0], smCount: 1, maxThreadsPerSm: 2048, cublas: false });
    expect('fallback' in spec && spec.fallback).toBeTruthy();
    const custom = { ...gemm, id: 'gemm-own', impl: { cuda: () => (spec as { fallback: object }).fallback } };
    const r = await runProbe(s, custom as typeof gemm, { dtype: 'f32', n: 1024 });
    expect(r.engine).toMatch(/^cuda sm_/);
    expect(r.check.passed).toBe(true);
  });
});

describe('NVML on the real driver', () => {
  it('sees the CUDA device by PCI bus id, with power and energy', async (ctx) => {
    const s = gpu(ctx);
    const t = await Telemetry.start({ samplers: ['nvml'], options: { cpuDevice: 'cpu0' } });
    try {
      const pci = String(s.device.identity.pciBusId);
      const dev = t.devices.find((d) => d.pciBusId === pci);
      expect(dev, `NVML devices: ${JSON.stringify(t.devices)}`).toBeDefined();
      expect(t.sensorsOf(dev!.id).sensors.map((x) => x.quantity)).toEqual(expect.arrayContaining(['energy', 'power', 'clock', 'throttle']));
      await new Promise((r) => setTimeout(r, 500));
      await t.flush();
      expect(t.store.latest(dev!.id, 'power')!.value).toBeGreaterThan(10);
    } finally {
      await t.stop();
    }
  });

  it('counter energy and integrated instant power agree within 5 % over 5 s windows', async (ctx) => {
    gpu(ctx);
    const outcome = await runSuite({
      backends: [cudaBackend],
      explicitBackends: true,
      probes: [findProbe('fma-peak')!],
      preset: 'standard',
      // A short chain per iteration: 5 s windows still hold many iterations on a GPU, and few on the emulated stack of a rehearsal.
      overrides: [parseOverride('fma-peak.dtype=f32'), parseOverride('fma-peak.k=256')],
      seed: 1,
      fixedWindows: 2,
      telemetry: true,
      signal: new AbortController().signal,
    });
    const r = outcome.results[0]!;
    expect(r.status).toBe('completed');
    expect(r.timing!.windowSeconds).toBeGreaterThanOrEqual(5);
    expect(r.energy!.counterJoules).not.toBeNull();
    expect(r.energy!.integratedJoules).not.toBeNull();
    expect(r.energy!.disagreement!).toBeLessThan(0.05);
  }, 240_000);
});
