/**
 * `npm run bench:models`: the model probes' performance figures, as ratios
 * measured in the same run on the same machine:
 *   1. the same layer stack (mlp, offline) on tfjs-wasm vs tfjs-cpu, and on
 *      tfjs-webgpu vs tfjs-wasm, for every WebGPU adapter;
 *   2. how much of the gemm probe's FLOP rate on the same backend the mlp
 *      offline scenario reaches (target ≥ 0.5), with gemm's n equal to the
 *      mlp's width: the CPU (the system BLAS vs the best CPU engine) and each
 *      WebGPU adapter (flopmeter's WGSL GEMM vs tfjs-webgpu).
 * Options: `--help`.
 */
import { writeFileSync } from 'node:fs';
import { cpuBackend } from '../src/backends/cpu/index.js';
import { webgpuBackend } from '../src/backends/webgpu/index.js';
import type { Backend, DeviceInfo } from '../src/backends/backend.js';
import { formatSI } from '../src/core/units.js';
import type { Result } from '../src/measure/result.js';
import { benchOptions } from './options.js';
import { measureWith, printGoals, type Goal } from './reference.js';

const USAGE = `npm run bench:models -- [options]: the model probes against their references, ratios from the same run.

  --width N       the engine comparison's mlp width (default 1024; 256 with --rehearse)
  --gemm-width N  the mlp width of the gemm comparison (default 4096; 1024 on a software adapter)
  --batch N       the mlp's batch (default 64)`;

const { options, values } = benchOptions(USAGE, { width: { type: 'string' }, 'gemm-width': { type: 'string' }, batch: { type: 'string' } });
/** A rehearsal's width: the same paths at a size the emulated stack and a software adapter run in seconds. */
const REHEARSAL_WIDTH = 256;
const width = Number(values.width ?? (options.rehearse ? REHEARSAL_WIDTH : 1024));
const batch = Number(values.batch ?? (options.rehearse ? 16 : 64));
/** The standard mlp width; a software adapter's GEMM at 4096 takes half a minute per iteration, so it gets 1024. */
const gemmWidth = (software: boolean): number => Number(values['gemm-width'] ?? (options.rehearse ? REHEARSAL_WIDTH : software ? 1024 : 4096));

/** FLOP per second of a result (a model's throughput is in samples). */
function flopRate(r: Result): number {
  const flop = r.work.perIteration.flop;
  if (!flop || !r.throughput) throw new Error(`${r.id}: no FLOP rate`);
  return r.throughput.unit === 'FLOP/s' ? r.throughput.value : (r.throughput.value * flop) / (r.work.perIteration.samples ?? 1);
}

async function mlp(backend: Backend, engine: string, w: number, device?: string): Promise<Result> {
  const params = ['scenario=offline', `engine=${engine}`, `batch=${batch}`, `width=${w}`, 'depth=3'];
  const { result } = await measureWith({ backend, probe: 'mlp', params, preset: options.preset, ...(device ? { device } : {}) });
  console.log(`${result.id}: ${formatSI(result.throughput!.value, 'sample/s')} = ${formatSI(flopRate(result), 'FLOP/s')} (${result.engine})`);
  return result;
}

async function gemm(backend: Backend, n: number, device?: string, threads?: number): Promise<Result> {
  const { result } = await measureWith({ backend, probe: 'gemm', params: ['dtype=f32', `n=${n}`], preset: options.preset, ...(device ? { device } : {}), ...(threads ? { threads } : {}) });
  console.log(`${result.id}: ${formatSI(flopRate(result), 'FLOP/s')} (${result.engine})`);
  return result;
}

const ratioGoal = (name: string, ours: Result, reference: Result, target: number | null): Goal => {
  const ratio = flopRate(ours) / flopRate(reference);
  return {
    name,
    ratio,
    target: target === null ? '(figure)' : `≥ ${target}`,
    met: target === null ? null : ratio >= target,
    detail: `${formatSI(flopRate(ours), 'FLOP/s')} vs ${formatSI(flopRate(reference), 'FLOP/s')}`,
  };
};

/** 1 and 2 on the CPU: the engines against each other, and the best one against the system BLAS. */
async function cpuGoals(goals: Goal[], figures: Record<string, unknown>): Promise<Result> {
  const onCpu = await mlp(cpuBackend, 'tfjs-cpu', width);
  const onWasm = await mlp(cpuBackend, 'tfjs-wasm', width);
  goals.push(ratioGoal(`mlp ${width} offline: tfjs-wasm vs tfjs-cpu`, onWasm, onCpu, null));
  figures.engines = { width, batch, 'tfjs-cpu': flopRate(onCpu), 'tfjs-wasm': flopRate(onWasm) };
  const cpuWidth = gemmWidth(false);
  const cpuModel = await mlp(cpuBackend, 'tfjs-wasm', cpuWidth);
  const cpuGemm = await gemm(cpuBackend, cpuWidth);
  goals.push(ratioGoal(`mlp ${cpuWidth} offline (tfjs-wasm) vs gemm n=${cpuWidth} (cpu)`, cpuModel, cpuGemm, 0.5));
  // tfjs-wasm runs on one thread under Node.js (see its result's notes): the same GEMM on one thread separates that from the framework's cost.
  const oneThread = await gemm(cpuBackend, cpuWidth, undefined, 1);
  goals.push(ratioGoal(`mlp ${cpuWidth} offline (tfjs-wasm) vs gemm n=${cpuWidth} on 1 thread`, cpuModel, oneThread, null));
  figures.cpu = { width: cpuWidth, mlp: flopRate(cpuModel), gemm: flopRate(cpuGemm), gemmOneThread: flopRate(oneThread), gemmEngine: cpuGemm.engine };
  return onWasm;
}

/** 1 and 2 on one adapter: tfjs-webgpu against tfjs-wasm (where measured), and against flopmeter's WGSL GEMM. */
async function adapterGoals(d: DeviceInfo, onWasm: Result | null, goals: Goal[], figures: Record<string, unknown>): Promise<void> {
  const onGpu = await mlp(webgpuBackend, 'tfjs-webgpu', width, d.id);
  if (onWasm) goals.push(ratioGoal(`mlp ${width} offline: tfjs-webgpu (${d.id}) vs tfjs-wasm`, onGpu, onWasm, null));
  ((figures.engines ??= { width, batch }) as Record<string, number>)[`tfjs-webgpu ${d.id}`] = flopRate(onGpu);
  const w = gemmWidth(Boolean(d.identity.software));
  const model = await mlp(webgpuBackend, 'tfjs-webgpu', w, d.id);
  const raw = await gemm(webgpuBackend, w, d.id);
  goals.push(ratioGoal(`mlp ${w} offline (tfjs-webgpu) vs gemm n=${w} (${d.id})`, model, raw, 0.5));
  figures[d.id] = { width: w, name: d.name, mlp: flopRate(model), gemm: flopRate(raw) };
}

async function main(): Promise<void> {
  const goals: Goal[] = [];
  const figures: Record<string, unknown> = {};
  const onWasm = options.gpuOnly ? null : await cpuGoals(goals, figures);
  const gpus = await webgpuBackend.discover();
  const adapters = (gpus.available ? gpus.devices : []).filter((d) => !options.gpuOnly || options.rehearse || d.kind === 'gpu');
  if (!gpus.available) console.log(`WebGPU: ${gpus.reason}`);
  if (options.gpuOnly && adapters.length === 0) throw new Error(`--gpu-only: no hardware WebGPU adapter (${gpus.available ? gpus.devices.map((d) => d.name).join(', ') : gpus.reason})`);
  for (const d of adapters) await adapterGoals(d, onWasm, goals, figures);
  printGoals(goals);
  if (options.out) writeFileSync(options.out, `${JSON.stringify({ goals, figures }, null, 2)}\n`);
}

await main();
