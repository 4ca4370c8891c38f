import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineProbe } from '../../src/core/probe.js';
import { Rng } from '../../src/core/random.js';
import { measure, type MeasureContext } from '../../src/measure/runner.js';
import { PRESETS } from '../../src/measure/presets.js';
import { fixedWindowsCriterion } from '../../src/measure/stopping.js';
import { Telemetry } from '../../src/telemetry/service.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import stream from '../../probes/stream.js';
import { openCpu } from '../probes/run-probe.js';

let cpu: DeviceSession;
beforeAll(async () => (cpu = await openCpu(2)));
afterAll(async () => cpu.close());

function context(signal = new AbortController().signal): MeasureContext {
  return {
    session: cpu,
    telemetry: Telemetry.disabled('cpu0'),
    telemetryDevice: { id: 'cpu0', note: null },
    preset: PRESETS.quick,
    criterion: fixedWindowsCriterion(3),
    windowSeconds: 0.05,
    seed: 1,
    rng: new Rng(1),
    signal,
    idleWatts: null,
  };
}

/** STREAM copy whose kernel only covers half the array: a wrong kernel. */
const halfCopy = defineProbe({
  ...stream,
  id: 'half-copy',
  impl: {
    cpu: (p, ctx) => {
      const spec = stream.impl.cpu!(p, ctx);
      if ('unsupported' in spec || spec.kind !== 'wasm') throw new Error('unexpected');
      return { ...spec, phases: spec.phases.map((ph) => ({ ...ph, items: ph.items / 2 })) };
    },
  },
});

describe('the procedure for one result', () => {
  it('verifies, warms up, measures windows and summarises', async () => {
    const phases: string[] = [];
    const r = await measure(stream, { op: 'triad', dtype: 'f64', n: 1 << 18 }, { ...context(), onPhase: (e) => phases.push(e.phase) });
    expect(r.status).toBe('completed');
    expect(r.check!.passed).toBe(true);
    expect(r.windows).toHaveLength(3);
    expect(r.work.iterations).toBe(r.windows.reduce((s, w) => s + w.iterations, 0));
    expect(r.latency!.count).toBe(r.work.iterations);
    expect(r.throughput!.unit).toBe('byte/s');
    expect(r.throughput!.ci95[0]).toBeLessThan(r.throughput!.value);
    expect(r.throughput!.ci95[1]).toBeGreaterThan(r.throughput!.value);
    expect(r.definitionHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.power).toBeNull();
    expect(r.unavailable.power).toMatch(/telemetry disabled/);
    expect(phases.slice(0, 3)).toEqual(['setup', 'verify', 'warmup']);
    expect(phases.filter((p) => p === 'measure')).toHaveLength(3);
    expect(r.timing!.warmupIterations).toBeGreaterThan(0);
  });

  it('measures in blocks, each after a fresh setup: the kernel prepared anew and the session renewed', async () => {
    let prepared = 0;
    let renewed = 0;
    const session: DeviceSession = Object.assign(Object.create(cpu) as DeviceSession, {
      prepare: (...a: Parameters<DeviceSession['prepare']>) => (prepared++, cpu.prepare(...a)),
      renew: () => (renewed++, cpu.renew!()),
    });
    const r = await measure(stream, { op: 'triad', dtype: 'f64', n: 1 << 16 }, { ...context(), session, criterion: fixedWindowsCriterion(5, Infinity, 2) });
    expect(r.status).toBe('completed');
    expect(r.windows.map((w) => w.block)).toEqual([0, 0, 1, 1, 2]);
    // One setup for verification and the first block, then one per further block.
    expect(prepared).toBe(3);
    expect(renewed).toBe(2);
    const parts = r.uncertainty!.throughput.components.map((c) => c.source);
    expect(parts).toEqual([expect.stringMatching(/^throughput: within blocks/), expect.stringMatching(/^throughput: between 3 blocks/), expect.stringMatching(/timer resolution/)]);
  });

  it('marks a result invalid, with no throughput, when the output does not match the reference', async () => {
    const r = await measure(halfCopy, { op: 'copy', dtype: 'f64', n: 1 << 16 }, context());
    expect(r.status).toBe('invalid');
    expect(r.throughput).toBeNull();
    expect(r.check!.passed).toBe(false);
    expect(r.check!.maxRelError).toBeGreaterThan(0.1); // half the array still holds its old values
    expect(r.reason).toMatch(/verification failed/);
  });

  it('marks a result errored, with the reason, when its kernel cannot be prepared', async () => {
    const missing = defineProbe({
      ...stream,
      id: 'no-kernel',
      impl: { cpu: (p, ctx) => ({ ...(stream.impl.cpu!(p, ctx) as object), module: 'does-not-exist' }) as never },
    });
    const r = await measure(missing, { op: 'copy', dtype: 'f64', n: 1 << 12 }, context());
    expect(r.status).toBe('errored');
    expect(r.reason).toMatch(/does-not-exist/);
  });

  it('skips a probe the backend has no implementation for', async () => {
    const gpuOnly = defineProbe({ ...stream, id: 'gpu-only', impl: {} });
    const r = await measure(gpuOnly, { op: 'copy', dtype: 'f64', n: 1024 }, context());
    expect(r).toMatchObject({ status: 'skipped', reason: 'probe gpu-only has no CPU implementation' });
  });

  it('stops a window when interrupted and marks the result aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => {
      controller.abort();
      cpu.abort();
    }, 300);
    const r = await measure(stream, { op: 'copy', dtype: 'f64', n: 1 << 16 }, { ...context(controller.signal), criterion: fixedWindowsCriterion(1000), windowSeconds: 0.2 });
    expect(r.status).toBe('aborted');
    expect(r.reason).toMatch(/interrupted/);
  });
});
