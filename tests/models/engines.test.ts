import { describe, expect, it } from 'vitest';
import { ENGINE_IDS, ENGINES, engineInfo, engineUnavailable, loadEngine, type EngineId } from '../../src/models/tfjs/engines.js';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
  throw new Error('expected a rejection, got a value');
}

describe('engine table', () => {
  it('lists every engine once, with the backend it runs on', () => {
    expect(Object.fromEntries(ENGINES.map((e) => [e.id, e.backend]))).toEqual({
      'tfjs-cpu': 'cpu',
      'tfjs-wasm': 'cpu',
      'tfjs-webgpu': 'webgpu',
      'tfjs-node': 'cpu',
      'tfjs-node-gpu': 'cuda',
    });
    expect(ENGINES).toHaveLength(5);
    expect(new Set(ENGINE_IDS).size).toBe(5);
    expect([...ENGINE_IDS].sort()).toEqual(ENGINES.map((e) => e.id).sort());
  });

  it('names each engine’s package and TensorFlow.js backend; only the native ones are optional', () => {
    expect(engineInfo('tfjs-cpu')).toMatchObject({ package: '@tensorflow/tfjs-backend-cpu', tfBackend: 'cpu', optional: false, precision: 'f32' });
    expect(engineInfo('tfjs-wasm')).toMatchObject({ package: '@tensorflow/tfjs-backend-wasm', tfBackend: 'wasm', optional: false });
    expect(engineInfo('tfjs-webgpu')).toMatchObject({ package: '@tensorflow/tfjs-backend-webgpu', tfBackend: 'webgpu', optional: false });
    expect(engineInfo('tfjs-node')).toMatchObject({ package: '@tensorflow/tfjs-node', tfBackend: 'tensorflow', optional: true, precision: 'f32' });
    // TensorFlow uses TF32 for matrix products on Ampere and later by default.
    expect(engineInfo('tfjs-node-gpu')).toMatchObject({ package: '@tensorflow/tfjs-node-gpu', tfBackend: 'tensorflow', optional: true, precision: 'tf32' });
    expect(() => engineInfo('tfjs-webgl')).toThrow(/unknown engine tfjs-webgl/);
  });
});

describe('availability', () => {
  it('finds the engines flopmeter installs', () => {
    for (const id of ['tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu'] as EngineId[]) expect(engineUnavailable(id), id).toBeNull();
  });

  it.each(['tfjs-node', 'tfjs-node-gpu'] as EngineId[])('says %s is not installed, naming its package and how to install it', (id) => {
    const why = engineUnavailable(id);
    expect(why).toContain(`@tensorflow/${id} is not installed`);
    expect(why).toContain(`npm install @tensorflow/${id}@4`);
  });

  it.each(['tfjs-node', 'tfjs-node-gpu'] as EngineId[])('refuses to load %s with an UnavailableError naming the package', async (id) => {
    const err = await rejection(loadEngine(id));
    expect(err.name).toBe('UnavailableError');
    expect(err.message).toContain(`@tensorflow/${id}`);
  });

  it('refuses tfjs-webgpu without a GPU device', async () => {
    const err = await rejection(loadEngine('tfjs-webgpu'));
    expect(err.name).toBe('UnavailableError');
    expect(err.message).toMatch(/WebGPU device/);
  });
});

describe('loading', () => {
  it('loads tfjs-cpu and tfjs-wasm, each making its own backend current, and switches between them', async () => {
    const cpu = await loadEngine('tfjs-cpu');
    expect(cpu.id).toBe('tfjs-cpu');
    expect(cpu.precision).toBe('f32');
    expect(cpu.tf.getBackend()).toBe('cpu');
    expect(cpu.name).toBe(`tfjs-cpu (TensorFlow.js ${cpu.tf.version_core})`);
    expect(cpu.tf.version_core).toMatch(/^4\.\d+\.\d+$/);

    const wasm = await loadEngine('tfjs-wasm');
    expect(wasm.id).toBe('tfjs-wasm');
    expect(wasm.tf.getBackend()).toBe('wasm');
    // Both share the one TensorFlow.js namespace; activate() picks the backend back.
    await cpu.activate();
    expect(cpu.tf.getBackend()).toBe('cpu');
    await wasm.activate();
    expect(wasm.tf.getBackend()).toBe('wasm');
  });

  it('names the WebAssembly engine with its SIMD support and thread count', async () => {
    const wasm = await loadEngine('tfjs-wasm');
    const m = /^tfjs-wasm \(TensorFlow\.js (\d+\.\d+\.\d+), XNNPACK, (SIMD128|no SIMD), (\d+) (threads?)\)$/.exec(wasm.name);
    expect(m, wasm.name).not.toBeNull();
    const [, version, simd, count, word] = m!;
    expect(version).toBe(wasm.tf.version_core);
    const simdFlag = Boolean(await wasm.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    expect(simd).toBe(simdFlag ? 'SIMD128' : 'no SIMD');
    const threads = Number(count);
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(word).toBe(threads === 1 ? 'thread' : 'threads');
    // A single thread is explained in the notes.
    if (threads === 1) expect(wasm.notes.join(' ')).toMatch(/one thread.*tensorflow\/tfjs#3830/);
    else expect(wasm.notes).toEqual([]);
  });

  it.each(['tfjs-cpu', 'tfjs-wasm'] as EngineId[])('computes a matrix product on %s', async (id) => {
    const { tf } = await loadEngine(id);
    expect(tf.getBackend()).toBe(engineInfo(id).tfBackend);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor2d([1, 0, -1, 2, 0.5, 0], [3, 2])));
    // [1 2 3; 4 5 6] · [1 0; −1 2; 0.5 0] = [0.5 4; 2 10]
    expect(Array.from(await y.data())).toEqual([0.5, 4, 2, 10]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
