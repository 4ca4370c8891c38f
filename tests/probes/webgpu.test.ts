/**
 * Every standard probe on WebGPU: real WGSL on whatever adapter Dawn finds
 * (Mesa's lavapipe in CI, where these may not skip), verified against the
 * float64 reference with the same tolerances as everywhere.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { DeviceSession } from '../../src/backends/backend.js';
import stream from '../../probes/stream.js';
import fma from '../../probes/fma-peak.js';
import gemm from '../../probes/gemm.js';
import reduce from '../../probes/reduce.js';
import launch from '../../probes/launch-latency.js';
import { requireComponent } from '../helpers.js';
import { openWebGpu, runProbe } from './run-probe.js';

let gpu: DeviceSession | null = null;
let why = '';
beforeAll(async () => ({ session: gpu, reason: why } = await openWebGpu()));
afterAll(async () => gpu?.close());

function need(ctx: TestContext, feature?: string): DeviceSession {
  requireComponent(ctx, gpu !== null, `a WebGPU adapter (${why})`);
  if (feature) requireComponent(ctx, gpu!.capabilities.features.includes(feature), `the adapter feature ${feature}`);
  return gpu!;
}

describe('probes on WebGPU', () => {
  for (const op of ['copy', 'scale', 'add', 'triad'] as const) {
    it(`stream ${op} (float32, vec4 loads)`, async (ctx) => {
      const r = await runProbe(need(ctx), stream, { op, dtype: 'f32', n: 1 << 16 });
      expect(r.engine).toMatch(/^wgsl on Dawn\//);
      expect(r.check.passed).toBe(true);
      expect(r.check.compared).toBe(1 << 16);
      expect(r.window.iterations).toBeGreaterThanOrEqual(2);
    });
  }

  it('stream says why float64 cannot run', (ctx) => {
    expect(need(ctx).unsupported(stream, { op: 'copy', dtype: 'f64', n: 1024 })).toBe('WGSL has no float64');
  });

  it('fma-peak float32 stays within its a-priori bound and depends on its input', async (ctx) => {
    const params = { dtype: 'f32' as const, n: 6144, k: 512 };
    const r = await runProbe(need(ctx), fma, params);
    expect(r.check.passed).toBe(true);
    expect(Math.max(...r.output) - Math.min(...r.output)).toBeGreaterThan(0.5);
  });

  it('fma-peak float16 (shader-f16)', async (ctx) => {
    const params = { dtype: 'f16' as const, n: 6144, k: 128 };
    const r = await runProbe(need(ctx, 'shader-f16'), fma, params);
    expect(r.check.passed).toBe(true);
    expect(r.check.maxRelError!).toBeLessThan(fma.tolerance(params));
    expect(Math.max(...r.output) - Math.min(...r.output)).toBeGreaterThan(0.3);
  });

  for (const n of [128, 192]) {
    it(`gemm float32 at n = ${n} (${n % 128 ? '64 × 64' : 'wide'} tiles)`, async (ctx) => {
      const r = await runProbe(need(ctx), gemm, { dtype: 'f32', n });
      expect(r.check.passed).toBe(true);
      expect(r.check.maxRelError!).toBeLessThan(1e-5);
    });
  }

  it('gemm float16 with float32 accumulation (shader-f16)', async (ctx) => {
    const r = await runProbe(need(ctx, 'shader-f16'), gemm, { dtype: 'f16', n: 128 });
    expect(r.check.passed).toBe(true);
  });

  it('reduce in two dispatches', async (ctx) => {
    const r = await runProbe(need(ctx), reduce, { n: 1 << 20 });
    expect(r.check.passed).toBe(true);
    expect(r.check.maxRelError!).toBeLessThan(1e-5);
  });

  it('launch-latency times submit to completion on the host', async (ctx) => {
    const session = need(ctx);
    const r = await runProbe(session, launch, {});
    expect(r.check).toMatchObject({ passed: true, maxRelError: 0 });
    const kernel = await session.prepare(launch, {}, launch.inputs(1, {}));
    expect(kernel.timer.kind).toBe('host-monotonic');
    expect(kernel.timer.description).toMatch(/onSubmittedWorkDone/);
    await kernel.dispose();
  });
});
