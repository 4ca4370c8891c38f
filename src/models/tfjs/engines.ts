/**
 * TensorFlow.js engines: which backend each runs on, whether it is installed
 * here (answered without loading it), and loading it. The optional
 * TensorFlow-native engines (tfjs-node, tfjs-node-gpu) are imported
 * dynamically; absent, they are unavailable with the reason, never a crash.
 */
import { createRequire } from 'node:module';
import { describeError, UnavailableError } from '../../core/errors.js';
import type { BackendId } from '../../core/device.js';
import type { WebGpuDeviceHandle } from '../../core/workload.js';
import type { Tf } from './forward.js';

export type EngineId = 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgpu' | 'tfjs-node' | 'tfjs-node-gpu';

/** Arithmetic an engine's matrix products use, which sets the verification tolerance. */
export type EnginePrecision = 'f32' | 'tf32';

export interface EngineInfo {
  id: EngineId;
  /** The flopmeter backend whose devices it runs on. */
  backend: BackendId;
  /** The npm package that provides it. */
  package: string;
  /** Name of its TensorFlow.js backend. */
  tfBackend: string;
  precision: EnginePrecision;
  /** Whether flopmeter installs it (the TensorFlow-native ones are the user's choice). */
  optional: boolean;
  description: string;
}

/** Every engine, in the order a run takes them. */
export const ENGINES: readonly EngineInfo[] = [
  { id: 'tfjs-cpu', backend: 'cpu', package: '@tensorflow/tfjs-backend-cpu', tfBackend: 'cpu', precision: 'f32', optional: false, description: 'TensorFlow.js plain-JavaScript kernels (the reference engine)' },
  { id: 'tfjs-wasm', backend: 'cpu', package: '@tensorflow/tfjs-backend-wasm', tfBackend: 'wasm', precision: 'f32', optional: false, description: 'TensorFlow.js WebAssembly backend (XNNPACK)' },
  { id: 'tfjs-node', backend: 'cpu', package: '@tensorflow/tfjs-node', tfBackend: 'tensorflow', precision: 'f32', optional: true, description: 'TensorFlow C library on the CPU (optional)' },
  { id: 'tfjs-webgpu', backend: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', tfBackend: 'webgpu', precision: 'f32', optional: false, description: 'TensorFlow.js WebGPU backend, on the adapter flopmeter opened' },
  // TensorFlow turns TF32 on for matrix products on Ampere and later GPUs by default.
  { id: 'tfjs-node-gpu', backend: 'cuda', package: '@tensorflow/tfjs-node-gpu', tfBackend: 'tensorflow', precision: 'tf32', optional: true, description: 'TensorFlow C library with CUDA (optional)' },
];

export const ENGINE_IDS = ENGINES.map((e) => e.id);

/**
 * The engine every other is verified against. Plain JavaScript (≈ 0.5 GFLOP/s
 * here) takes minutes per iteration at the standard sizes, so only the quick
 * preset measures it by default; `--engine tfjs-cpu` measures it at any size.
 */
export const REFERENCE_ENGINE = 'tfjs-cpu';

export function engineInfo(id: string): EngineInfo {
  const e = ENGINES.find((x) => x.id === id);
  if (!e) throw new Error(`unknown engine ${id}`);
  return e;
}

const require = createRequire(import.meta.url);

const installed = new Map<EngineId, string | null>();

/** Why an engine cannot load here, or null when its package is installed (checked without loading it, once per process). */
export function engineUnavailable(id: EngineId): string | null {
  if (!installed.has(id)) {
    const info = engineInfo(id);
    let why: string | null = null;
    try {
      require.resolve(info.package);
    } catch {
      why = info.optional
        ? `${info.package} is not installed (an optional engine: \`npm install ${info.package}@4\` to measure it)`
        : `${info.package} is not installed (run npm ci)`;
    }
    installed.set(id, why);
  }
  return installed.get(id)!;
}

/** A loaded engine. */
export interface LoadedEngine {
  id: EngineId;
  tf: Tf;
  /** What runs, for the result: e.g. "tfjs-wasm (TensorFlow.js 4.22.0, XNNPACK, SIMD, 1 thread)". */
  name: string;
  precision: EnginePrecision;
  notes: string[];
  /** Makes this engine's backend the current one (other engines may have run in between). */
  activate(): Promise<void>;
}

let core: Promise<Tf> | undefined;

/**
 * TensorFlow.js through its union package, which registers the gradients a
 * training step needs (tfjs-core alone has none in Node.js); quiet: PROD turns
 * off debug checks and console hints.
 */
function tfjsCore(): Promise<Tf> {
  core ??= import('@tensorflow/tfjs').then((tf) => {
    tf.env().set('PROD', true);
    return tf;
  });
  return core;
}

async function onCore(id: EngineId, tf: Tf, extra: string, notes: string[] = []): Promise<LoadedEngine> {
  const info = engineInfo(id);
  const activate = async (): Promise<void> => {
    if (tf.getBackend() !== info.tfBackend || !tf.findBackend(info.tfBackend)) {
      if (!(await tf.setBackend(info.tfBackend))) throw new UnavailableError(`${id}: TensorFlow.js could not initialise its ${info.tfBackend} backend`);
    }
  };
  await activate();
  return { id, tf, name: `${id} (TensorFlow.js ${tf.version_core}${extra})`, precision: info.precision, notes, activate };
}

let boundGpu: string | null = null;

async function loadWebGpu(tf: Tf, gpu: WebGpuDeviceHandle | undefined): Promise<LoadedEngine> {
  if (!gpu) throw new UnavailableError('tfjs-webgpu runs only on a WebGPU device');
  const global = globalThis as Record<string, unknown> & { navigator?: { gpu?: GPU } };
  for (const [k, v] of Object.entries(gpu.globals)) if (!(k in global)) global[k] = v;
  // Node.js 20 has no navigator; later versions have one without gpu.
  if (!global.navigator) global.navigator = { gpu: gpu.instance };
  else if (!global.navigator.gpu) Object.defineProperty(global.navigator, 'gpu', { value: gpu.instance, configurable: true });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (boundGpu !== gpu.key) {
    // The kernels are registered under "webgpu" once; the backend instance is bound to one device at a time.
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(gpu.device, gpu.info));
    boundGpu = gpu.key;
  }
  return onCore('tfjs-webgpu', tf, '');
}

async function loadWasm(tf: Tf): Promise<LoadedEngine> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const engine = await onCore('tfjs-wasm', tf, '');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasm.getThreadsCount();
  const notes =
    threads > 1 ? [] : ['tfjs-wasm runs on one thread: TensorFlow.js turns its multi-threaded WebAssembly build off under Node.js (tensorflow/tfjs#3830)'];
  return { ...engine, name: `tfjs-wasm (TensorFlow.js ${tf.version_core}, XNNPACK, ${simd ? 'SIMD128' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`, notes };
}

/** The namespace a TensorFlow-native package exports (it re-exports the whole TensorFlow.js API). */
async function loadNative(id: 'tfjs-node' | 'tfjs-node-gpu'): Promise<LoadedEngine> {
  const info = engineInfo(id);
  let tf: Tf;
  try {
    tf = (await import(info.package)) as Tf;
  } catch (err) {
    throw new UnavailableError(`${info.package} is installed but cannot be loaded: ${describeError(err).split('\n')[0]}`);
  }
  tf.env().set('PROD', true);
  const version = (tf as unknown as { version?: Record<string, string> }).version;
  return onCore(id, tf, version?.['tfjs-node'] ? `, TensorFlow ${version['tfjs-node']}` : '');
}

/** Loads an engine and makes it current. Throws an UnavailableError saying why it cannot run. */
export async function loadEngine(id: EngineId, gpu?: WebGpuDeviceHandle): Promise<LoadedEngine> {
  const missing = engineUnavailable(id);
  if (missing) throw new UnavailableError(missing);
  if (id === 'tfjs-node' || id === 'tfjs-node-gpu') return loadNative(id);
  const tf = await tfjsCore();
  if (id === 'tfjs-cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
    return onCore(id, tf, '');
  }
  if (id === 'tfjs-wasm') return loadWasm(tf);
  return loadWebGpu(tf, gpu);
}
