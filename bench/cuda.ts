/**
 * `npm run bench:cuda` (on an NVIDIA GPU host): the CUDA backend's goals as
 * ratios against references measured in the same run on the same GPU:
 *   1. stream triad against PyTorch's device-to-device copy bandwidth (bytes
 *      read + written);
 *   2. gemm bf16 at 8192³ through cuBLAS against torch.matmul on the same shapes;
 *   3. fma-peak f32 against SMs × FP32 lanes × 2 × the SM clock NVML reported;
 *   4. counter energy against integrated instant power over ≥ 5 s windows;
 *   5. the cost of NVML sampling at 20 Hz, as a share of one core.
 * Options: --rounds N (default 3), --out FILE.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cudaBackend } from '../src/backends/cuda/index.js';
import { formatSI } from '../src/core/units.js';
import { percentile } from '../src/measure/stats.js';
import type { Result } from '../src/measure/result.js';
import { measureWith, printGoals, torchReference, type Goal } from './reference.js';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, out: { type: 'string' } } });
const rounds = Number(values.rounds ?? 3);
const median = (xs: number[]): number => percentile(xs, 50);

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
  const run = (probe: string, params: string[]): ReturnType<typeof measureWith> => measureWith({ backend: cudaBackend, device: dev.id, probe, params });

  // 1. Triad vs PyTorch D2D copy.
  const n = 2 ** 26; // 512 MiB per float64 array
  const triad: number[] = [];
  const copy: number[] = [];
  let torchInfo = '';
  for (let r = 0; r < rounds; r++) {
    const ref = torchReference(['copy', String(8 * n)]);
    if ('error' in ref) {
      goals.push({ name: 'stream triad vs PyTorch D2D copy', ratio: null, target: '≥ 0.9', met: null, detail: `no reference: ${ref.error}` });
      break;
    }
    copy.push(Number(ref.bytesPerSecond));
    torchInfo = `PyTorch ${ref.torch}, CUDA ${ref.cuda}`;
    triad.push((await run('stream', ['stream.op=triad', 'stream.dtype=f64', `stream.n=${n}`])).result.throughput!.value);
    console.error(`  triad round ${r + 1}: PyTorch copy ${formatSI(copy[r]!, 'B/s')}, flopmeter triad ${formatSI(triad[r]!, 'B/s')}`);
  }
  if (copy.length) {
    const ratio = median(triad) / median(copy);
    goals.push({ name: 'stream triad vs PyTorch device-to-device copy', ratio, target: '≥ 0.9', met: ratio >= 0.9, detail: `${formatSI(median(triad), 'B/s')} vs ${formatSI(median(copy), 'B/s')} (${torchInfo})` });
  }

  // 2. bf16 GEMM 8192³ vs torch.matmul.
  const ours: number[] = [];
  const theirs: number[] = [];
  let engine = '';
  for (let r = 0; r < rounds; r++) {
    const ref = torchReference(['matmul', '8192', 'bfloat16']);
    if ('error' in ref) break;
    theirs.push(Number(ref.flopPerSecond));
    const g = (await run('gemm', ['gemm.dtype=bf16', 'gemm.n=8192'])).result;
    engine = g.engine ?? '';
    ours.push(g.throughput!.value);
    console.error(`  bf16 gemm round ${r + 1}: torch.matmul ${formatSI(theirs[r]!, 'FLOP/s')}, flopmeter ${formatSI(ours[r]!, 'FLOP/s')}`);
  }
  if (ours.length) {
    const ratio = median(ours) / median(theirs);
    goals.push({ name: 'gemm bf16 8192³ (cuBLAS) vs torch.matmul', ratio, target: '≥ 0.95', met: ratio >= 0.95, detail: `${engine}: ${formatSI(median(ours), 'FLOP/s')} vs ${formatSI(median(theirs), 'FLOP/s')}` });
  }

  // 3 and 5. fma-peak f32 against the clock NVML saw; NVML sampling cost.
  const fma = await run('fma-peak', ['fma-peak.dtype=f32']);
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
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ device: dev, goals, fma: fma.result }, null, 2)}\n`);
  process.exit(0);
}

await main();
