/**
 * A CPU's theoretical peak rates from its own description (DeviceInfo.peaks):
 * compute per precision = cores × clock × vector lanes × FMA units × 2, with
 * the microarchitecture's FMA units and width from microarch.ts and the clock
 * from sysfs cpufreq or /proc/cpuinfo; memory bandwidth = channels × transfer
 * rate × bus width from the firmware's DMI memory-device tables. Whatever
 * cannot be read or is not known is null, with a note saying why.
 */
import type { TheoreticalPeaks } from '../backend.js';
import { formatSI } from '../../core/units.js';
import { cpuFeatures, HOST_ROOTS, physicalCores, readCpuinfo, readText, type CpuinfoRecord, type HostRoots } from './cpuinfo.js';
import { describeIdentity, flagVectorBits, identifyMicroarchitecture, type Microarchitecture } from './microarch.js';
import { readMemoryDevices } from './dmi.js';

/** Precisions the compute peak is given for, with their element bits. */
const PRECISIONS = { f32: 32, f64: 64 } as const;

/** The clock the compute peaks assume, Hz, and where it came from. */
export interface ClockReading {
  hz: number;
  source: string;
  /** True when it is /proc/cpuinfo's "cpu MHz" rather than a cpufreq limit. */
  fromCpuinfo: boolean;
}

/** The highest cpufreq limit of any CPU (kHz in sysfs), else the highest "cpu MHz" in /proc/cpuinfo; null where neither is readable. */
export function readClock(records: readonly CpuinfoRecord[], roots: HostRoots = HOST_ROOTS): ClockReading | null {
  for (const file of ['cpuinfo_max_freq', 'scaling_max_freq']) {
    const khz = records.map((r) => Number(readText(roots.sys, 'devices', 'system', 'cpu', `cpu${r.processor}`, 'cpufreq', file))).filter((v) => v > 0);
    if (khz.length) return { hz: Math.max(...khz) * 1e3, source: `${roots.sys}/devices/system/cpu/cpu*/cpufreq/${file} (highest of ${khz.length} CPUs)`, fromCpuinfo: false };
  }
  const mhz = records.map((r) => Number(r['cpu MHz'])).filter((v) => v > 0);
  if (mhz.length) return { hz: Math.max(...mhz) * 1e6, source: `"cpu MHz" in ${roots.proc}/cpuinfo (highest of ${mhz.length} CPUs; no cpufreq in sysfs)`, fromCpuinfo: true };
  return null;
}

/** The FMA units and width software can use: the table's, narrowed to the ISA flags' widest (then 2 units, as every listed x86 core has at 256 bits). */
function usableVectors(m: Microarchitecture, flagBits: number): Microarchitecture {
  return flagBits >= m.vectorBits ? m : { name: m.name, fmaUnits: 2, vectorBits: flagBits };
}

function computePeaks(records: readonly CpuinfoRecord[], roots: HostRoots, out: TheoreticalPeaks): void {
  const first = records[0]!;
  const arch = identifyMicroarchitecture(first);
  const flagBits = flagVectorBits(cpuFeatures(records));
  const clock = readClock(records, roots);
  const cores = physicalCores(records);
  out.clockHz = clock?.hz ?? null;
  if (!arch) out.notes.push(`compute peak unknown: ${describeIdentity(first)} is not in flopmeter's microarchitecture table`);
  if (flagBits === null) out.notes.push('compute peak unknown: the ISA flags show no fused multiply-add (fma, avx512f or asimd)');
  if (!clock) out.notes.push('compute peak unknown: no clock in sysfs cpufreq or /proc/cpuinfo');
  if (!arch || flagBits === null || !clock) return;
  const v = usableVectors(arch, flagBits);
  if (v !== arch) out.notes.push(`the ISA flags allow ${flagBits}-bit vectors only (AVX-512 hidden?): the ${arch.vectorBits}-bit units are not counted`);
  out.sources.push(`${arch.name} (${describeIdentity(first)}): ${v.fmaUnits} FMA units × ${v.vectorBits} bits per core`);
  out.sources.push(`${cores} physical cores (distinct physical id/core id in ${roots.proc}/cpuinfo, else its processors)`);
  out.sources.push(`clock ${formatSI(clock.hz, 'Hz')}: ${clock.source}`);
  if (clock.fromCpuinfo) out.notes.push('the clock is "cpu MHz" (in a VM the nominal clock, not a boost clock): cores that boost run faster than these peaks assume');
  for (const [precision, bits] of Object.entries(PRECISIONS)) {
    const lanes = v.vectorBits / bits;
    out.flops[precision] = cores * clock.hz * lanes * v.fmaUnits * 2;
    out.sources.push(`${precision}: ${cores} cores × ${formatSI(clock.hz, 'Hz')} × ${lanes} lanes × ${v.fmaUnits} FMA units × 2 FLOP = ${formatSI(out.flops[precision]!, 'FLOP/s')}`);
  }
}

function memoryPeak(roots: HostRoots, out: TheoreticalPeaks): void {
  const dimms = readMemoryDevices(roots);
  if ('unreadable' in dimms) {
    out.notes.push(`memory bandwidth peak unknown: ${dimms.unreadable}`);
    return;
  }
  const bytesPerSecond = dimms.devices.reduce((s, d) => s + d.transfersPerSecond * (d.dataWidthBits / 8), 0);
  const rates = [...new Set(dimms.devices.map((d) => `${d.transfersPerSecond / 1e6} MT/s × ${d.dataWidthBits / 8} bytes`))].join(', ');
  out.memoryBytesPerSecond = bytesPerSecond;
  out.sources.push(
    `memory: ${dimms.devices.length} populated DIMMs taken as channels (one DIMM per channel assumed) × ${rates} = ${formatSI(bytesPerSecond, 'B/s')}, from ${dimms.source}`,
  );
}

/** The theoretical peaks of the host's processors as described under `roots`. */
export function cpuPeaks(roots: HostRoots = HOST_ROOTS): TheoreticalPeaks {
  const out: TheoreticalPeaks = { flops: Object.fromEntries(Object.keys(PRECISIONS).map((p) => [p, null])), memoryBytesPerSecond: null, clockHz: null, sources: [], notes: [] };
  const records = readCpuinfo(roots);
  if (records.length === 0) out.notes.push(`compute peak unknown: ${roots.proc}/cpuinfo is not readable`);
  else computePeaks(records, roots, out);
  memoryPeak(roots, out);
  return out;
}

