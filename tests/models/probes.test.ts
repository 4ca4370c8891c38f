/**
 * The model probes through the real sessions: every probe and scenario on
 * tfjs-cpu and tfjs-wasm (CPU session) and tfjs-webgpu (Dawn on lavapipe),
 * verified against the reference engine, with tensors counted; the plan's
 * engines per backend; capacity refusals naming the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { webgpuBackend } from '../../src/backends/webgpu/index.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import { CapacityError } from '../../src/core/errors.js';
import type { AnyProbe, Params } from '../../src/core/probe.js';
import { definitionHash } from '../../src/measure/definition.js';
import { planProbes, parseOverride } from '../../src/measure/plan.js';
import { verify } from '../../src/measure/verify.js';
import { loadEngine } from '../../src/models/tfjs/engines.js';
import { checkModelCapacity, largestTensorBytes } from '../../src/models/tfjs/workload.js';
import type { ModelParams } from '../../src/models/probe.js';
import type { ModelWorkload } from '../../src/models/spec.js';
import mlp from '../../probes/mlp.js';
import cnn from '../../probes/cnn.js';
import transformer from '../../probes/transformer.js';
import { requireComponent } from '../helpers.js';

const SMALL: Record<string, Params> = {
  mlp: { width: 64, depth: 2 },
  cnn: { image: 16, channels: 8, blocks: 1 },
  transformer: { sequence: 16, width: 32, heads: 4 },
};
const PROBES: AnyProbe[] = [mlp, cnn, transformer];
const SCENARIOS = ['single-stream', 'offline', 'train-step'] as const;

function paramsOf(probe: AnyProbe, scenario: string, engine: string): ModelParams {
  return { scenario, engine, batch: scenario === 'single-stream' ? 1 : 3, ...SMALL[probe.id]! } as ModelParams;
}

/** Prepares, verifies against the reference, runs a window and disposes; returns the verification and the notes. */
async function measureOnce(session: DeviceSession, probe: AnyProbe, params: ModelParams) {
  const inputs = probe.inputs(7, params);
  const reference = await probe.reference(inputs, params);
  const kernel = await session.prepare(probe, params, inputs);
  try {
    const check = verify(await kernel.runOnce(), reference, probe.tolerance(params));
    const w1 = await kernel.runWindow({ minSeconds: 0, minIterations: 2, maxIterations: 2 });
    const w2 = await kernel.runWindow({ minSeconds: 0, minIterations: 3, maxIterations: 3 });
    return { check, iterations: w1.iterations + w2.iterations, notes: kernel.afterWindows?.() ?? [], engine: kernel.engine };
  } finally {
    await kernel.dispose();
  }
}

describe('model probes on the CPU engines', () => {
  let session: DeviceSession;
  beforeAll(async () => {
    const d = await cpuBackend.discover();
    session = await cpuBackend.open(d.devices[0]!, { threads: 1 });
  });
  afterAll(() => session.close());

  for (const probe of PROBES) {
    for (const scenario of SCENARIOS) {
      for (const engine of ['tfjs-cpu', 'tfjs-wasm']) {
        // tfjs-wasm has no Conv2DBackpropFilter kernel: that case is checked below as a skip.
        if (probe.id === 'cnn' && scenario === 'train-step' && engine === 'tfjs-wasm') continue;
        it(`${probe.id} ${scenario} on ${engine}: verifies, runs, leaves no tensors behind`, async () => {
          const tf = (await loadEngine(engine as 'tfjs-cpu')).tf;
          const before = tf.memory().numTensors;
          const r = await measureOnce(session, probe, paramsOf(probe, scenario, engine));
          expect(r.check.passed, `max error ${r.check.maxRelError}`).toBe(true);
          expect(r.check.maxRelError).toBeLessThan(r.check.tolerance);
          expect(r.iterations).toBe(5);
          expect(r.engine).toContain(engine);
          expect(r.notes.join()).toContain('memory: no growth');
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }
  }

  it('fails verification when the engine computes something else (a wrong weight)', async () => {
    const params = paramsOf(mlp, 'offline', 'tfjs-wasm');
    const inputs = mlp.inputs(7, params);
    const reference = await mlp.reference(inputs, params);
    const bad = { ...inputs, 'l.1.kernel': inputs['l.1.kernel']!.map((v) => v * 1.01) };
    const kernel = await session.prepare(mlp, params, bad);
    const check = verify(await kernel.runOnce(), reference, mlp.tolerance(params));
    await kernel.dispose();
    expect(check.passed).toBe(false);
  });

  it("refuses a model over the host memory available (the session's check, after the workload's own)", () => {
    const params = { scenario: 'offline', engine: 'tfjs-wasm', sequence: 512, width: 768, heads: 12, batch: 16 } as ModelParams;
    expect(() => session.checkCapacity(transformer, params, 1024)).toThrow(/host memory/);
    expect(() => session.checkCapacity(transformer, params, 2 ** 40)).not.toThrow();
  });

  it('says which engines cannot run, before or when preparing', async () => {
    expect(session.unsupported(mlp, paramsOf(mlp, 'offline', 'tfjs-node'))).toMatch(/@tensorflow\/tfjs-node is not installed/);
    expect(session.unsupported(mlp, paramsOf(mlp, 'offline', 'tfjs-webgpu'))).toMatch(/runs on the webgpu backend/);
    const params = paramsOf(cnn, 'train-step', 'tfjs-wasm');
    const kernel = await session.prepare(cnn, params, cnn.inputs(7, params));
    await expect(kernel.runOnce()).rejects.toMatchObject({ name: 'UnavailableError', message: expect.stringMatching(/tfjs-wasm has no Conv2DBackpropFilter kernel/) });
    await kernel.dispose();
  });
});

describe('model probes on tfjs-webgpu (lavapipe)', () => {
  let session: DeviceSession | null = null;
  let why = '';
  beforeAll(async () => {
    const d = await webgpuBackend.discover();
    if (d.available) session = await webgpuBackend.open(d.devices[0]!, {});
    else why = d.reason;
  });
  afterAll(() => session?.close());

  for (const probe of PROBES) {
    for (const scenario of SCENARIOS) {
      it(`${probe.id} ${scenario}: verifies against tfjs-cpu and leaves no tensors behind`, async (ctx) => {
        requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
        const r = await measureOnce(session!, probe, paramsOf(probe, scenario, 'tfjs-webgpu'));
        expect(r.check.passed, `max error ${r.check.maxRelError}`).toBe(true);
        expect(r.engine).toContain('tfjs-webgpu');
        expect(r.notes.join()).toContain('memory: no growth');
      });
    }
  }

  it("refuses a batch whose attention scores exceed the adapter's buffer limit, naming it", (ctx) => {
    requireComponent(ctx, session !== null, `a WebGPU adapter (${why})`);
    const limit = session!.device.limits.maxStorageBufferBindingSize!;
    const params = { scenario: 'offline', engine: 'tfjs-webgpu', sequence: 512, width: 768, heads: 12, batch: Math.ceil(limit / (4 * 12 * 512 * 512)) + 1 } as ModelParams;
    expect(() => session!.checkCapacity(transformer, params, 2 ** 50)).toThrow(/maxStorageBufferBindingSize/);
    expect(() => session!.checkCapacity(transformer, { ...params, batch: 1 }, 2 ** 50)).not.toThrow();
  });
});

describe('model probe definitions', () => {
  it('counts the largest tensor and refuses it over a named limit (host memory: the session checks it, above)', () => {
    const params = { scenario: 'offline', engine: 'tfjs-webgpu', sequence: 512, width: 768, heads: 12, batch: 16 } as ModelParams;
    const real = transformer.impl.webgpu!(params, { features: [], limits: {}, software: true }) as ModelWorkload;
    expect(largestTensorBytes(real)).toBe(4 * 16 * 12 * 512 * 512); // attention scores of 16 samples: 192 MiB
    expect(() => checkModelCapacity(real, { maxBufferSize: 2 ** 27 })).toThrow(CapacityError);
    expect(() => checkModelCapacity(real, { maxBufferSize: 2 ** 27 })).toThrow(/maxBufferSize of 128.0 MiB/);
    expect(() => checkModelCapacity(real, { maxBufferSize: 2 ** 28 })).not.toThrow();
  });

  it('keeps results of different engines comparable (the engine is not in the definition hash)', () => {
    const a = paramsOf(transformer, 'offline', 'tfjs-wasm');
    const b = { ...a, engine: 'tfjs-webgpu' };
    const identity = 'same network';
    expect(definitionHash(transformer, a, identity)).toBe(definitionHash(transformer, b, identity));
    expect(definitionHash(transformer, a, identity)).not.toBe(definitionHash(transformer, { ...a, batch: 4 }, identity));
  });

  it('plans every engine of a backend, tfjs-cpu only in quick, single-stream at batch 1, and --engine narrows', () => {
    const engines = (preset: 'quick' | 'standard', backend: string, overrides: string[] = []) =>
      planProbes([mlp], preset, overrides.map(parseOverride), [mlp], backend).map((p) => `${p.params.scenario}/${p.params.engine}/${p.params.batch}`);
    expect(engines('quick', 'cpu')).toEqual([
      'single-stream/tfjs-cpu/1',
      'single-stream/tfjs-wasm/1',
      'single-stream/tfjs-node/1',
      'offline/tfjs-cpu/16',
      'offline/tfjs-wasm/16',
      'offline/tfjs-node/16',
      'train-step/tfjs-cpu/16',
      'train-step/tfjs-wasm/16',
      'train-step/tfjs-node/16',
    ]);
    expect(engines('standard', 'cpu').some((e) => e.includes('tfjs-cpu'))).toBe(false);
    expect(engines('standard', 'webgpu')).toEqual(['single-stream/tfjs-webgpu/1', 'offline/tfjs-webgpu/64', 'train-step/tfjs-webgpu/64']);
    expect(engines('quick', 'cuda').every((e) => e.includes('tfjs-node-gpu'))).toBe(true);
    // An engine override keeps only that engine, and only on its own backend; batches collapse for single-stream.
    expect(engines('quick', 'cpu', ['engine=tfjs-wasm', 'batch=4,8'])).toEqual(['single-stream/tfjs-wasm/1', 'offline/tfjs-wasm/4', 'offline/tfjs-wasm/8', 'train-step/tfjs-wasm/4', 'train-step/tfjs-wasm/8']);
    expect(engines('quick', 'webgpu', ['engine=tfjs-wasm'])).toEqual([]);
  });
});
