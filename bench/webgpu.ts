/**
 * `npm run bench:webgpu`: the WebGPU backend's goals, as ratios against
 * references measured in the same run on the same adapter:
 *   1. gemm f32 (n = 1024; and 4096 on a GPU) against TensorFlow.js's WebGPU
 *      backend doing the same matMul on the same Dawn adapter;
 *   2. on a GPU: stream triad against the CUDA backend's triad on the same GPU
 *      and against PyTorch's device-to-device copy bandwidth (bytes read +
 *      written), gemm f32 at n = 4096 against torch.matmul in float32
 *      (cuBLAS SGEMM, TF32 off) and against the CUDA backend's gemm f32.
 * Options: `--help`.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { webgpuBackend, adapterRefOf } from '../src/backends/webgpu/index.js';
import { cudaBackend } from '../src/backends/cuda/index.js';
import { gpuFor, loadDawn } from '../src/backends/webgpu/dawn.js';
import { formatSI } from '../src/core/units.js';
import type { DeviceInfo } from '../src/backends/backend.js';
import type { Result } from '../src/measure/result.js';
import { benchOptions } from './options.js';
import { alternateRounds, measureWith, printGoals, torchFigure, type Goal, type Reference } from './reference.js';
import type * as TfCore from '@tensorflow/tfjs-core';

const USAGE = `npm run bench:webgpu -- [options]: the WebGPU backend against its references, ratios from the same run.

  --device ID     the adapter (default: the first hardware adapter, else the first)`;

const { options, values } = benchOptions(USAGE, { device: { type: 'string' } });

type Tf = typeof TfCore;
let tfjs: Promise<Tf> | undefined;

/** TensorFlow.js with its WebGPU backend on the given adapter, set up once per process. */
function tfjsOn(deviceId: string): Promise<Tf> {
  tfjs ??= (async () => {
    const dawn = await loadDawn();
    Object.assign(globalThis, dawn.globals);
    (globalThis as { navigator?: unknown }).navigator = { gpu: gpuFor(dawn, adapterRefOf(deviceId)!) };
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-webgpu');
    await tf.setBackend('webgpu');
    await tf.ready();
    return tf;
  })();
  return tfjs;
}

/** TensorFlow.js's WebGPU matMul on the same adapter: n × n float32, FLOP/s over ≥ 2 s after warm-up. */
async function tfjsMatmul(deviceId: string, n: number): Promise<number> {
  const tf = await tfjsOn(deviceId);
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  for (let i = 0; i < 3; i++) {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  }
  let reps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  let batch = 1;
  while (elapsed < 2) {
    const outs = Array.from({ length: batch }, () => tf.matMul(a, b));
    await outs[outs.length - 1]!.data();
    outs.forEach((o) => o.dispose());
    reps += batch;
    elapsed = (performance.now() - t0) / 1000;
    batch = Math.min(batch * 2, 64);
  }
  a.dispose();
  b.dispose();
  return (reps * 2 * n ** 3) / elapsed;
}

/** Sizes: the GPU figures' on hardware; small ones on a software adapter, or in a rehearsal of the GPU-only paths. */
function sizes(hardware: boolean): { gemm: number[]; triadN: number; sgemmN: number } {
  if (options.rehearse) return { gemm: [256], triadN: 2 ** 20, sgemmN: 256 };
  return hardware ? { gemm: [1024, 4096], triadN: 2 ** 27, sgemmN: 4096 } : { gemm: [1024], triadN: 2 ** 27, sgemmN: 4096 };
}

/** The adapter to measure: --device, else (with --gpu-only, only) a hardware one, else the first. */
async function chooseAdapter(): Promise<DeviceInfo> {
  const d = await webgpuBackend.discover();
  if (!d.available) throw new Error(`no WebGPU adapter: ${d.reason}`);
  const chosen = d.devices.find((x) => x.id === values.device) ?? d.devices.find((x) => x.kind === 'gpu') ?? (options.gpuOnly && !options.rehearse ? undefined : d.devices[0]);
  if (!chosen) throw new Error(`--gpu-only: no hardware WebGPU adapter (found ${d.devices.map((x) => `${x.id} ${x.name}`).join(', ')})`);
  return chosen;
}

/** The GPU-only comparisons: triad and gemm against the CUDA backend on the same GPU, and against PyTorch. */
async function gpuGoals(device: DeviceInfo, size: ReturnType<typeof sizes>): Promise<Goal[]> {
  const goals: Goal[] = [];
  const ours = (probe: string, params: string[]): Promise<Result> => measureWith({ backend: webgpuBackend, device: device.id, probe, params, preset: options.preset }).then((m) => m.result);
  const triadParams = ['stream.op=triad', 'stream.dtype=f32', `stream.n=${size.triadN}`];
  const gemmParams = [`gemm.n=${size.sgemmN}`, 'gemm.dtype=f32'];
  const triad = await ours('stream', triadParams);
  const gemm = await ours('gemm', gemmParams);
  const cuda = await cudaBackend.discover();
  if (cuda.available) {
    const onCuda = (probe: string, params: string[]): Promise<Result> => measureWith({ backend: cudaBackend, probe, params, preset: options.preset }).then((m) => m.result);
    // The same bytes through the CUDA backend (float64, 16-byte accesses), on the same GPU.
    const cudaTriad = await onCuda('stream', ['stream.op=triad', 'stream.dtype=f64', `stream.n=${size.triadN / 2}`]);
    goals.push(ratioOf('stream triad vs the CUDA backend’s triad', triad, cudaTriad, 0.8, cuda.devices[0]!.name));
    goals.push(ratioOf(`gemm f32 n=${size.sgemmN} vs the CUDA backend’s gemm f32`, gemm, await onCuda('gemm', gemmParams), null, cuda.devices[0]!.name));
  } else {
    goals.push({ name: 'WebGPU vs the CUDA backend', ratio: null, target: '(figure)', met: null, detail: `no CUDA backend: ${cuda.reason}` });
  }
  const copy = torchFigure(['copy', String(4 * size.triadN)], 'bytesPerSecond');
  goals.push(versus('stream triad vs PyTorch device-to-device copy', triad, copy, 0.75));
  const sgemm = torchFigure(['matmul', String(size.sgemmN), 'float32'], 'flopPerSecond');
  goals.push(versus(`gemm f32 n=${size.sgemmN} vs cuBLAS SGEMM (torch.matmul, TF32 off)`, gemm, sgemm, 0.4));
  return goals;
}

function ratioOf(name: string, ours: Result, theirs: Result, target: number | null, on: string): Goal {
  const ratio = ours.throughput!.value / theirs.throughput!.value;
  const unit = ours.throughput!.unit;
  return { name, ratio, target: target === null ? '(figure)' : `≥ ${target}`, met: target === null ? null : ratio >= target, detail: `${formatSI(ours.throughput!.value, unit)} vs ${formatSI(theirs.throughput!.value, unit)} (${theirs.engine}, ${on})` };
}

function versus(name: string, ours: Result, ref: Reference, target: number): Goal {
  const unit = ours.throughput!.unit;
  if ('error' in ref) return { name, ratio: null, target: `≥ ${target}`, met: null, detail: `${formatSI(ours.throughput!.value, unit)}; no reference: ${ref.error}` };
  const ratio = ours.throughput!.value / ref.value;
  return { name, ratio, target: `≥ ${target}`, met: ratio >= target, detail: `${formatSI(ours.throughput!.value, unit)} vs ${formatSI(ref.value, unit)} (${ref.label})` };
}

async function main(): Promise<void> {
  const device = await chooseAdapter();
  const hardware = device.kind === 'gpu' || options.rehearse;
  const size = sizes(device.kind === 'gpu');
  console.error(`flopmeter bench:webgpu — ${device.id}: ${device.name}; ${options.rounds} alternating rounds, medians${options.rehearse ? ' (rehearsal: small sizes)' : ''}\n`);
  const goals: Goal[] = [];
  for (const n of size.gemm) {
    goals.push(
      await alternateRounds(options.rounds, {
        name: `gemm f32 n=${n} vs TensorFlow.js WebGPU matMul`,
        target: 1,
        unit: 'FLOP/s',
        ours: async () => ({ value: (await measureWith({ backend: webgpuBackend, device: device.id, probe: 'gemm', params: [`gemm.n=${n}`, 'gemm.dtype=f32'], preset: options.preset })).result.throughput!.value, label: device.name }),
        theirs: async () => ({ value: await tfjsMatmul(device.id, n) }),
      }),
    );
  }
  if (hardware) goals.push(...(await gpuGoals(device, size)));
  printGoals(goals);
  if (options.out) writeFileSync(options.out, `${JSON.stringify({ device, goals }, null, 2)}\n`);
  // TensorFlow.js and Dawn keep handles open; the figures are printed.
  process.exit(0);
}

await main();
