/**
 * Runs a probe once on a real backend and checks its output the way a run
 * does, for the probe tests: the CPU backend (its native and its WebAssembly
 * kernels), and WebGPU on whatever adapter Dawn finds (Mesa's lavapipe in CI).
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { findNative } from '../../src/backends/cpu/native.js';
import { webgpuBackend } from '../../src/backends/webgpu/index.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import type { AnyProbe, Params } from '../../src/core/probe.js';
import { verify } from '../../src/measure/verify.js';
import type { Check } from '../../src/measure/result.js';
import { requireComponent } from '../helpers.js';

export async function openCpu(threads = 2): Promise<DeviceSession> {
  const d = await cpuBackend.discover();
  if (!d.available) throw new Error(d.reason);
  return cpuBackend.open(d.devices[0]!, { threads });
}

/** The first WebGPU adapter, or null (with the reason) when there is none. */
export async function openWebGpu(): Promise<{ session: DeviceSession | null; reason: string }> {
  const d = await webgpuBackend.discover();
  if (!d.available) return { session: null, reason: d.reason };
  return { session: await webgpuBackend.open(d.devices[0]!, {}), reason: '' };
}

export interface ProbeRun {
  engine: string;
  /** How the kernel was chosen (e.g. why native code did not run), and what it hashes into the definition. */
  notes: string[];
  kernelIdentity: string;
  check: Check;
  output: Float32Array | Float64Array;
  /** A short window's iterations and seconds, to show it times. */
  window: { iterations: number; seconds: number };
}

export async function runProbe(session: DeviceSession, probe: AnyProbe, params: Params, seed = 42): Promise<ProbeRun> {
  const inputs = probe.inputs(seed, params);
  const reference = await probe.reference(inputs, params);
  const kernel = await session.prepare(probe, params, inputs);
  try {
    const output = await kernel.runOnce();
    const check = verify(output, reference, probe.tolerance(params));
    const w = await kernel.runWindow({ minSeconds: 0.02, minIterations: 2, maxIterations: 1000 });
    return { engine: kernel.engine, notes: kernel.notes, kernelIdentity: kernel.kernelIdentity, check, output, window: { iterations: w.iterations, seconds: w.seconds } };
  } finally {
    await kernel.dispose();
  }
}

/** The CPU kernel families a probe's CPU kernel may run as: native code for the host's ISA, and the WebAssembly fallback. */
export const CPU_ENGINES = ['native', 'wasm'] as const;
export type CpuEngine = (typeof CPU_ENGINES)[number];

/** What the engine name of each family looks like. */
export const CPU_ENGINE_NAME: Record<CpuEngine, RegExp> = { native: /^native-(avx512|avx2|avx|neon|sse2|generic)$/, wasm: /^wasm-(simd128|relaxed-simd)$/ };

function compilerHere(): boolean {
  return ['gcc', 'cc'].some((cc) => spawnSync(cc, ['--version']).status === 0);
}

/**
 * Runs `fn` with the CPU backend choosing `engine`: the WebAssembly kernels
 * through FLOPMETER_NATIVE=none, or the native ones, which need a C compiler
 * (skipped without one, a failure under CI=true) and then must have been
 * built by `npm run build`.
 */
export async function onCpuEngine<T>(ctx: TestContext, engine: CpuEngine, fn: () => Promise<T>): Promise<T> {
  if (engine === 'native') {
    requireComponent(ctx, compilerHere(), 'a C compiler for the native CPU kernels (setup.sh installs gcc)');
    const native = findNative({});
    if (!native.found) throw new Error(`a C compiler is here, but the native CPU kernels are not usable: ${native.reason}`);
  }
  const saved = process.env.FLOPMETER_NATIVE;
  if (engine === 'wasm') process.env.FLOPMETER_NATIVE = 'none';
  else delete process.env.FLOPMETER_NATIVE;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.FLOPMETER_NATIVE;
    else process.env.FLOPMETER_NATIVE = saved;
  }
}
