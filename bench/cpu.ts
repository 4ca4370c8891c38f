/**
 * `npm run bench:cpu`: the CPU backend's performance goals, printed as ratios
 * against references measured in the same run on the same machine:
 *   1. stream triad vs a C triad (gcc -O3 -fopenmp) at the same thread count;
 *   2. gemm n = 2048 through the system BLAS vs cblas_sgemm called from C on the
 *      same library; and the WebAssembly fallback against the same C figure;
 *   3. the cost of the measurement machinery: fma-peak with telemetry on vs off,
 *      and the sampling thread's own busy time;
 *   4. repeatability: stream triad and fma-peak five times each, relative spread
 *      (max − min)/mean, beside the C triad's own spread over the same period;
 *   5. the processor's ceilings: gemm through the system BLAS ÷ fma-peak f32 (the
 *      native kernel where it is built: BLAS must sit below the compute ceiling),
 *      and fma-peak f32 ÷ the theoretical f32 peak (src/backends/cpu/peaks.ts)
 *      rescaled to the core clock measured around each fma-peak run by a chain of
 *      dependent integer adds on every core, over each thread's CPU time
 *      (bench/c/clock.c; "cpu MHz" in /proc/cpuinfo, sampled during the runs, is
 *      printed beside it: in a VM it is the nominal clock, not the running one);
 *      each round runs fma-peak and gemm back to back, and the goals are the
 *      medians of the per-round ratios, so that both see the same host.
 * Runs alternate between flopmeter and the reference so drift hits both alike.
 * Options: `--help`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend } from '../src/backends/cpu/index.js';
import { cpuPeaks } from '../src/backends/cpu/peaks.js';
import { readCpuinfo } from '../src/backends/cpu/cpuinfo.js';
import { packageRoot } from '../src/core/paths.js';
import { formatSI } from '../src/core/units.js';
import { mean, percentile, stdev } from '../src/measure/stats.js';
import { benchArgs, wholeNumber } from './args.js';
import { measureWith, printGoals, type Goal } from './reference.js';

const USAGE = `npm run bench:cpu -- [options]: the CPU backend against C references, ratios from the same run.

  --threads N     worker threads of flopmeter and the references (default: every logical CPU)
  --rounds N      alternating rounds (default 3)
  --out FILE      also write the figures as JSON
  --help          this text`;

const values = benchArgs(USAGE, { threads: { type: 'string' }, rounds: { type: 'string' }, out: { type: 'string' } });
const threads = wholeNumber('threads', values.threads, availableParallelism(), USAGE);
const rounds = wholeNumber('rounds', values.rounds, 3, USAGE);
/** Seconds each C reference runs: as long as flopmeter's five 1-second windows. */
const REFERENCE_SECONDS = 5;
/** Seconds of the clock chain before and after each fma-peak run: long enough to average out the timer, short enough not to let the clock wander. */
const CLOCK_SECONDS = 1;
/** The gemm size of every comparison: large enough for the BLAS to reach its plateau on every core. */
const GEMM_N = 2048;
/** How often "cpu MHz" is sampled during an fma-peak run, ms: a handful of samples per window at negligible cost. */
const CPUINFO_SAMPLE_MS = 250;

const median = (xs: number[]): number => percentile(xs, 50);
const spreadOf = (xs: number[]): number => (Math.max(...xs) - Math.min(...xs)) / mean(xs);
const rsd = (xs: number[]): string => `${((stdev(xs) / mean(xs)) * 100).toFixed(2)} %`;

function flopmeter(probe: string, params: string[], telemetry = true): ReturnType<typeof measureWith> {
  return measureWith({ backend: cpuBackend, probe, params, telemetry, threads });
}

interface Binaries {
  triad: string;
  sgemm: string;
  clock: string;
}

function compile(dir: string): Binaries {
  const src = join(packageRoot(), 'bench', 'c');
  const [triad, sgemm, clock] = ['triad', 'sgemm', 'clock'].map((b) => join(dir, b)) as [string, string, string];
  execFileSync('gcc', ['-O3', '-fopenmp', join(src, 'triad.c'), '-o', triad]);
  execFileSync('gcc', ['-O3', join(src, 'sgemm.c'), '-o', sgemm, '-lopenblas']);
  execFileSync('gcc', ['-O2', '-fopenmp', join(src, 'clock.c'), '-o', clock]);
  return { triad, sgemm, clock };
}

/** Samples "cpu MHz" of every CPU in /proc/cpuinfo until stopped; stop() gives the mean in Hz (null where there is none). */
function sampleCpuinfoClock(): { stop(): number | null } {
  const samples: number[] = [];
  const take = (): void => void samples.push(...readCpuinfo().map((r) => Number(r['cpu MHz']) * 1e6).filter((v) => v > 0));
  const timer = setInterval(take, CPUINFO_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return samples.length ? mean(samples) : null;
    },
  };
}

/** One round of 5: the clock around an fma-peak f32 run, then gemm through the BLAS, back to back so that both see the same host. */
async function ceilingRound(bin: Binaries, omp: Record<string, string>): Promise<{ fma: number; gemm: number; hz: number; share: number; mhz: number | null; engines: string }> {
  const before = runC(bin.clock, [String(CLOCK_SECONDS)], omp);
  const sampler = sampleCpuinfoClock();
  const fma = (await flopmeter('fma-peak', [])).result;
  const mhz = sampler.stop();
  const after = runC(bin.clock, [String(CLOCK_SECONDS)], omp);
  const gemm = (await flopmeter('gemm', [`gemm.n=${GEMM_N}`])).result;
  const [hz, share] = [(before.hz! + after.hz!) / 2, (before.cpuShare! + after.cpuShare!) / 2];
  return { fma: fma.throughput!.value, gemm: gemm.throughput!.value, hz, share, mhz, engines: `${gemm.engine} ÷ ${fma.engine}` };
}

/** 5. BLAS gemm under the fma-peak f32 ceiling, and fma-peak f32 against the theoretical peak at the clock measured around it; medians of per-round ratios. */
async function ceilings(bin: Binaries, omp: Record<string, string>): Promise<Goal[]> {
  const peaks = cpuPeaks();
  const perClock = peaks.flops.f32 && peaks.clockHz ? peaks.flops.f32 / peaks.clockHz : null;
  const rs: Array<Awaited<ReturnType<typeof ceilingRound>>> = [];
  for (let r = 0; r < rounds; r++) {
    const x = await ceilingRound(bin, omp);
    rs.push(x);
    console.error(`  ceiling round ${r + 1}: fma-peak f32 ${formatSI(x.fma, 'FLOP/s')}, gemm ${formatSI(x.gemm, 'FLOP/s')}, clock ${formatSI(x.hz, 'Hz')}, CPU share ${(x.share * 100).toFixed(0)} %`);
  }
  const blasRatio = median(rs.map((x) => x.gemm / x.fma));
  const shares = `CPU share of the flopmeter threads' cores ${(mean(rs.map((x) => x.share)) * 100).toFixed(0)} % (other processes took the rest)`;
  const goals: Goal[] = [
    { name: 'gemm via system BLAS ÷ fma-peak f32', ratio: blasRatio, target: '< 1', met: blasRatio < 1, detail: `${rs[0]!.engines}: ${formatSI(median(rs.map((x) => x.gemm)), 'FLOP/s')} vs ${formatSI(median(rs.map((x) => x.fma)), 'FLOP/s')}` },
  ];
  const name = 'fma-peak f32 ÷ theoretical f32 peak at measured clock';
  if (perClock === null) {
    goals.push({ name, ratio: null, target: '≥ 0.8', met: null, detail: `no theoretical peak: ${peaks.notes.join('; ')}` });
    return goals;
  }
  const ratio = median(rs.map((x) => x.fma / (perClock * x.hz)));
  const hz = median(rs.map((x) => x.hz));
  const sampled = rs.map((x) => x.mhz).filter((v): v is number => v !== null);
  const detail = `peak ${formatSI(peaks.flops.f32!, 'FLOP/s')} at ${formatSI(peaks.clockHz!, 'Hz')} rescaled to ${formatSI(hz, 'Hz')}: the add chain's cycles per CPU second on every core around each run; cpu MHz during the runs ${sampled.length ? formatSI(mean(sampled), 'Hz') : 'not readable'}; ${shares}`;
  goals.push({ name, ratio, target: '≥ 0.8', met: ratio >= 0.8, detail });
  return goals;
}

function runC(path: string, args: string[], env: Record<string, string>): Record<string, number> {
  return JSON.parse(execFileSync(path, args, { env: { ...process.env, ...env }, encoding: 'utf8' })) as Record<string, number>;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flopmeter-bench-'));
  const goals: Goal[] = [];
  try {
    const bin = compile(dir);
    const omp = { OMP_NUM_THREADS: String(threads), OMP_PROC_BIND: 'false' };
    const blasEnv = { OPENBLAS_NUM_THREADS: String(threads) };
    console.error(`flopmeter bench:cpu — ${threads} threads, ${rounds} alternating rounds; each figure the median of its rounds\n`);

    // 1. STREAM triad.
    const n = 2 ** 24;
    const triadParams = ['stream.op=triad', `stream.n=${n}`];
    const fTriad: number[] = [];
    const cTriad: number[] = [];
    for (let r = 0; r < rounds; r++) {
      cTriad.push(runC(bin.triad, [String(n), String(REFERENCE_SECONDS)], omp).bytesPerSecond!);
      fTriad.push((await flopmeter('stream', triadParams)).result.throughput!.value);
      console.error(`  triad round ${r + 1}: C ${formatSI(cTriad[r]!, 'B/s')}, flopmeter ${formatSI(fTriad[r]!, 'B/s')}`);
    }
    const triadRatio = median(fTriad) / median(cTriad);
    goals.push({ name: 'stream triad vs C (gcc -O3 -fopenmp)', ratio: triadRatio, target: '≥ 0.9', met: triadRatio >= 0.9, detail: `${formatSI(median(fTriad), 'B/s')} vs ${formatSI(median(cTriad), 'B/s')}, n = 2^24 doubles` });

    // 2. GEMM n = 2048: BLAS from flopmeter vs from C, and the WebAssembly fallback.
    const g = GEMM_N;
    const fBlas: number[] = [];
    const cBlas: number[] = [];
    let engine = '';
    for (let r = 0; r < rounds; r++) {
      cBlas.push(runC(bin.sgemm, [String(g), String(REFERENCE_SECONDS)], blasEnv).flopPerSecond!);
      const run = await flopmeter('gemm', [`gemm.n=${g}`]);
      engine = run.result.engine ?? '';
      fBlas.push(run.result.throughput!.value);
      console.error(`  sgemm round ${r + 1}: C ${formatSI(cBlas[r]!, 'FLOP/s')}, flopmeter (${engine}) ${formatSI(fBlas[r]!, 'FLOP/s')}`);
    }
    const blasRatio = median(fBlas) / median(cBlas);
    goals.push({ name: `gemm n=${g} via system BLAS vs cblas_sgemm from C`, ratio: blasRatio, target: '≥ 0.9', met: blasRatio >= 0.9, detail: `${engine}: ${formatSI(median(fBlas), 'FLOP/s')} vs ${formatSI(median(cBlas), 'FLOP/s')}` });
    process.env.FLOPMETER_BLAS = 'none';
    const wasm = await flopmeter('gemm', [`gemm.n=${g}`]);
    delete process.env.FLOPMETER_BLAS;
    const wasmRatio = wasm.result.throughput!.value / median(cBlas);
    goals.push({ name: `gemm n=${g} WebAssembly fallback vs cblas_sgemm from C`, ratio: wasmRatio, target: 'printed', met: null, detail: `${wasm.result.engine}: ${formatSI(wasm.result.throughput!.value, 'FLOP/s')}` });

    // 3. The machinery's cost: a compute-bound probe on every core, telemetry on vs off.
    const on: number[] = [];
    const off: number[] = [];
    const busy: number[] = [];
    for (let r = 0; r < rounds; r++) {
      off.push((await flopmeter('fma-peak', [], false)).result.throughput!.value);
      const withTelemetry = await flopmeter('fma-peak', [], true);
      on.push(withTelemetry.result.throughput!.value);
      if (withTelemetry.samplerBusyRatio !== null) busy.push(withTelemetry.samplerBusyRatio);
      console.error(`  overhead round ${r + 1}: telemetry off ${formatSI(off[r]!, 'FLOP/s')}, on ${formatSI(on[r]!, 'FLOP/s')}`);
    }
    const cost = 1 - median(on) / median(off);
    goals.push({
      name: 'measurement machinery cost (fma-peak, sampler on vs off)',
      ratio: median(on) / median(off),
      target: 'cost < 1 %',
      met: cost < 0.01,
      detail: `cost ${(cost * 100).toFixed(2)} % of throughput; sampling thread busy ${(mean(busy) * 100).toFixed(3)} % of one core`,
    });

    // 4. Repeatability: five runs each, flopmeter alternating with the C triad, whose own spread is
    // the machine's floor (a shared VM's memory bandwidth drifts); and a compute-bound probe.
    const rep: number[] = [];
    const repC: number[] = [];
    const repFma: number[] = [];
    for (let r = 0; r < 5; r++) {
      repC.push(runC(bin.triad, [String(n), String(REFERENCE_SECONDS)], omp).bytesPerSecond!);
      rep.push((await flopmeter('stream', triadParams)).result.throughput!.value);
      repFma.push((await flopmeter('fma-peak', [])).result.throughput!.value);
    }
    goals.push({
      name: 'repeatability: stream triad, 5 runs',
      ratio: spreadOf(rep),
      target: 'spread ≤ 2 %',
      met: spreadOf(rep) <= 0.02,
      detail: `(max − min)/mean ${(spreadOf(rep) * 100).toFixed(2)} % (rsd ${rsd(rep)}); the C triad alternating with it: ${(spreadOf(repC) * 100).toFixed(2)} % (rsd ${rsd(repC)})`,
    });
    goals.push({ name: 'repeatability: fma-peak, 5 runs', ratio: spreadOf(repFma), target: 'spread ≤ 2 %', met: spreadOf(repFma) <= 0.02, detail: `(max − min)/mean ${(spreadOf(repFma) * 100).toFixed(2)} % (rsd ${rsd(repFma)})` });

    // 5. The processor's ceilings.
    goals.push(...(await ceilings(bin, omp)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printGoals(goals);
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ threads, rounds, goals }, null, 2)}\n`);
}

await main();
