/**
 * `npm run bench:cuda` (on an NVIDIA GPU host): the CUDA backend's goals as
 * ratios against references measured in the same run on the same GPU:
 *   1. stream triad against PyTorch's device-to-device copy bandwidth (bytes
 *      read + written);
 *   2. gemm bf16 at 8192³ through cuBLAS against torch.matmul on the same shapes;
 *   3. fma-peak f32 against SMs × FP32 lanes × 2 × the SM clock NVML reported;
 *   4. counter energy against integrated instant power over ≥ 5 s windows;
 *   5. the cost of NVML sampling at 20 Hz, as a share of one core.
 * Options: `--help` (--preset sets the triad's and gemm's; fma-peak always
 * uses standard's ≥ 5 s windows for goal 4).
 */
import { writeFileSync } from 'node:fs';
import { cudaBackend } from '../src/backends/cuda/index.js';
import { formatSI } from '../src/core/units.js';
import type { Result } from '../src/measure/result.js';
import { benchOptions } from './options.js';
import { alternateRounds, measureWith, printGoals, torchFigure, type Goal } from './reference.js';

const { options } = benchOptions('npm run bench:cuda -- [options]: the CUDA backend against its references on an NVIDIA GPU, ratios from the same run.\n');
const { rounds, rehearse } = options;
/** Sizes: the on a GPU; small ones for a rehearsal on the emulated stack, which runs kernels on the CPU. */
const SIZES = rehearse ? { triadN: 2 ** 20, gemmN: 256, fma: ['fma-peak.n=12288', 'fma-peak.k=64'] } : { triadN: 2 ** 26, gemmN: 8192, fma: [] };

/** FP32 lanes per SM by compute capability (NVIDIA's tables): 64 on Volta, Turing and GA100; 128 on GA10x, Ada, Hopper, Blackwell. */
function fp32Lanes(cc: string): number {
  const [major, minor] = cc.split('.').map(Number) as [number, number];
  if (major === 7 || (major === 8 && minor === 0)) return 64;
  return 128;
}

function meanSmClock(r: Result): number | null {
  return r.telemetry?.quantities.find((q) => q.quantity === 'clock' && !q.component)?.mean ?? null;
}

async function main(): Promise<void> {
  const d = await cudaBackend.discover();
  if (!d.available) throw new Error(`no CUDA device: ${d.reason}`);
  const dev = d.devices[0]!;
  console.error(`flopmeter bench:cuda — ${dev.id}: ${dev.name} (sm ${dev.identity.computeCapability}, ${dev.identity.smCount} SMs, CUDA ${dev.identity.cudaDriverVersion}); ${rounds} rounds\n`);
  const goals: Goal[] = [];
  const run = (probe: string, params: string[], preset = options.preset): ReturnType<typeof measureWith> => measureWith({ backend: cudaBackend, device: dev.id, probe, params, preset });

  // 1. Triad vs PyTorch D2D copy.
  const n = SIZES.triadN; // 512 MiB per float64 array on a GPU
  goals.push(
    await alternateRounds(rounds, {
      name: 'stream triad vs PyTorch device-to-device copy',
      target: 0.9,
      unit: 'B/s',
      ours: async () => ({ value: (await run('stream', ['stream.op=triad', 'stream.dtype=f64', `stream.n=${n}`])).result.throughput!.value }),
      theirs: () => torchFigure(['copy', String(8 * n)], 'bytesPerSecond'),
    }),
  );

  // 2. bf16 GEMM 8192³ vs torch.matmul.
  const gn = SIZES.gemmN;
  goals.push(
    await alternateRounds(rounds, {
      name: `gemm bf16 ${gn}³ (cuBLAS) vs torch.matmul`,
      target: 0.95,
      unit: 'FLOP/s',
      ours: async () => {
        const g = (await run('gemm', ['gemm.dtype=bf16', `gemm.n=${gn}`])).result;
        return { value: g.throughput!.value, label: g.engine ?? '' };
      },
      theirs: () => torchFigure(['matmul', String(gn), 'bfloat16'], 'flopPerSecond'),
    }),
  );

  // 3 and 5. fma-peak f32 against the clock NVML saw; NVML sampling cost.
  // Always the standard preset: goal 4 needs its ≥ 5 s windows (NVML's averaged power and 100 ms counter).
  const fma = await run('fma-peak', ['fma-peak.dtype=f32', ...SIZES.fma], 'standard');
  const clock = meanSmClock(fma.result);
  const lanes = fp32Lanes(String(dev.identity.computeCapability));
  if (clock) {
    const peak = Number(dev.identity.smCount) * lanes * 2 * clock;
    const ratio = fma.result.throughput!.value / peak;
    goals.push({
      name: 'fma-peak f32 vs SMs × FP32 lanes × 2 × SM clock',
      ratio,
      target: '≥ 0.9',
      met: ratio >= 0.9,
      detail: `${formatSI(fma.result.throughput!.value, 'FLOP/s')} vs ${dev.identity.smCount} × ${lanes} × 2 × ${formatSI(clock, 'Hz')} = ${formatSI(peak, 'FLOP/s')}`,
    });
  } else {
    goals.push({ name: 'fma-peak f32 vs theoretical', ratio: null, target: '≥ 0.9', met: null, detail: 'NVML reported no SM clock' });
  }

  // 4. Counter vs integrated power over the ≥ 5 s windows of the runs above.
  const energies = [fma.result];
  for (const r of energies) {
    const e = r.energy;
    goals.push({
      name: `energy: counter vs integrated instant power (${r.probe}, ${r.timing?.windowSeconds} s windows)`,
      ratio: e?.disagreement ?? null,
      target: '≤ 0.05',
      met: e?.disagreement === null || e?.disagreement === undefined ? null : e.disagreement <= 0.05,
      detail: e ? `counter ${e.counterJoules?.toFixed(1)} J, integrated ${e.integratedJoules?.toFixed(1)} J; power ${formatSI(r.power?.value, 'W')} (idle ${formatSI(r.power?.idleWatts, 'W')})` : 'no energy',
    });
  }
  const cost = fma.samplerBusyRatio;
  goals.push({ name: 'telemetry sampling cost (NVML at 20 Hz and the host sampler)', ratio: cost, target: '< 0.01 core', met: cost === null ? null : cost < 0.01, detail: cost === null ? 'no sampler statistics' : `${(cost * 100).toFixed(3)} % of one core` });

  printGoals(goals);
  if (options.out) writeFileSync(options.out, `${JSON.stringify({ device: dev, goals, fma: fma.result }, null, 2)}\n`);
  process.exit(0);
}

await main();
