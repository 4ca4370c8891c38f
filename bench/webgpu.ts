/**
 * `npm run bench:webgpu`: the WebGPU backend's goals, as ratios against
 * references measured in the same run on the same adapter:
 *   1. gemm f32 (n = 1024; and 4096 on a GPU) against TensorFlow.js's WebGPU
 *      backend doing the same matMul on the same Dawn adapter;
 *   2. on a GPU: stream triad against the CUDA backend's triad on the same GPU
 *      and against PyTorch's device-to-device copy bandwidth (bytes read +
 *      written), and gemm f32 at n = 4096 against torch.matmul in float32
 *      (cuBLAS SGEMM, TF32 off).
 * Options: --device ID (default: the first hardware adapter, else the first),
 * --rounds N (default 3), --out FILE (also write the figures as JSON).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { webgpuBackend, adapterRefOf } from '../src/backends/webgpu/index.js';
import { cudaBackend } from '../src/backends/cuda/index.js';
import { gpuFor, loadDawn } from '../src/backends/webgpu/dawn.js';
import { formatSI } from '../src/core/units.js';
import { percentile } from '../src/measure/stats.js';
import { measureWith, printGoals, torchReference, type Goal } from './reference.js';
import type * as TfCore from '@tensorflow/tfjs-core';

const { values } = parseArgs({ options: { device: { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' } } });
const rounds = Number(values.rounds ?? 3);
const median = (xs: number[]): number => percentile(xs, 50);

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

async function main(): Promise<void> {
  const d = await webgpuBackend.discover();
  if (!d.available) throw new Error(`no WebGPU adapter: ${d.reason}`);
  const device = d.devices.find((x) => x.id === values.device) ?? d.devices.find((x) => x.kind === 'gpu') ?? d.devices[0]!;
  const hardware = device.kind === 'gpu';
  console.error(`flopmeter bench:webgpu — ${device.id}: ${device.name}; ${rounds} alternating rounds, medians\n`);
  const goals: Goal[] = [];

  for (const n of hardware ? [1024, 4096] : [1024]) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      theirs.push(await tfjsMatmul(device.id, n));
      ours.push((await measureWith({ backend: webgpuBackend, device: device.id, probe: 'gemm', params: [`gemm.n=${n}`, 'gemm.dtype=f32'] })).result.throughput!.value);
      console.error(`  gemm n=${n} round ${r + 1}: TensorFlow.js ${formatSI(theirs[r]!, 'FLOP/s')}, flopmeter ${formatSI(ours[r]!, 'FLOP/s')}`);
    }
    const ratio = median(ours) / median(theirs);
    goals.push({ name: `gemm f32 n=${n} vs TensorFlow.js WebGPU matMul`, ratio, target: '≥ 1.0', met: ratio >= 1, detail: `${formatSI(median(ours), 'FLOP/s')} vs ${formatSI(median(theirs), 'FLOP/s')} on ${device.name}` });
  }

  if (hardware) {
    const triadN = 2 ** 27; // 512 MiB per float32 array
    const webgpuTriad = (await measureWith({ backend: webgpuBackend, device: device.id, probe: 'stream', params: ['stream.op=triad', 'stream.dtype=f32', `stream.n=${triadN}`] })).result;
    const cuda = await cudaBackend.discover();
    if (cuda.available) {
      // The same bytes through the CUDA backend (float64, 16-byte accesses), on the same GPU.
      const cudaTriad = (await measureWith({ backend: cudaBackend, probe: 'stream', params: ['stream.op=triad', 'stream.dtype=f64', `stream.n=${triadN / 2}`] })).result;
      const ratio = webgpuTriad.throughput!.value / cudaTriad.throughput!.value;
      goals.push({
        name: 'stream triad vs the CUDA backend’s triad',
        ratio,
        target: '≥ 0.8',
        met: ratio >= 0.8,
        detail: `${formatSI(webgpuTriad.throughput!.value, 'B/s')} vs ${formatSI(cudaTriad.throughput!.value, 'B/s')} (${cuda.devices[0]!.name})`,
      });
    }
    const copyRef = torchReference(['copy', String(4 * triadN)]);
    if ('error' in copyRef) {
      goals.push({ name: 'stream triad vs PyTorch D2D copy', ratio: null, target: '≥ 0.75', met: null, detail: `no reference: ${copyRef.error}` });
    } else {
      const triad = webgpuTriad;
      const ratio = triad.throughput!.value / Number(copyRef.bytesPerSecond);
      goals.push({ name: 'stream triad vs PyTorch device-to-device copy', ratio, target: '≥ 0.75', met: ratio >= 0.75, detail: `${formatSI(triad.throughput!.value, 'B/s')} vs ${formatSI(Number(copyRef.bytesPerSecond), 'B/s')} (${copyRef.device})` });
    }
    const sgemm = torchReference(['matmul', '4096', 'float32']);
    if ('error' in sgemm) {
      goals.push({ name: 'gemm f32 n=4096 vs cuBLAS SGEMM', ratio: null, target: '≥ 0.4', met: null, detail: `no reference: ${sgemm.error}` });
    } else {
      const g = (await measureWith({ backend: webgpuBackend, device: device.id, probe: 'gemm', params: ['gemm.n=4096', 'gemm.dtype=f32'] })).result;
      const ratio = g.throughput!.value / Number(sgemm.flopPerSecond);
      goals.push({ name: 'gemm f32 n=4096 vs cuBLAS SGEMM (torch.matmul, TF32 off)', ratio, target: '≥ 0.4', met: ratio >= 0.4, detail: `${formatSI(g.throughput!.value, 'FLOP/s')} vs ${formatSI(Number(sgemm.flopPerSecond), 'FLOP/s')}` });
    }
  }
  printGoals(goals);
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ device, goals }, null, 2)}\n`);
  // TensorFlow.js and Dawn keep handles open; the figures are printed.
  process.exit(0);
}

await main();
