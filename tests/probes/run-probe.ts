/**
 * Runs a probe once on a real backend and checks its output the way a run
 * does, for the probe tests: the CPU backend, and WebGPU on whatever adapter
 * Dawn finds (Mesa's lavapipe in CI).
 */
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { webgpuBackend } from '../../src/backends/webgpu/index.js';
import type { DeviceSession } from '../../src/backends/backend.js';
import type { AnyProbe, Params } from '../../src/core/probe.js';
import { verify } from '../../src/measure/verify.js';
import type { Check } from '../../src/measure/result.js';

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
    return { engine: kernel.engine, check, output, window: { iterations: w.iterations, seconds: w.seconds } };
  } finally {
    await kernel.dispose();
  }
}
