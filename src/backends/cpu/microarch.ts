/**
 * The vector compute of CPU microarchitectures: how many fused multiply-add
 * units each core has and how wide they are, keyed by what /proc/cpuinfo
 * says (x86: vendor, family, model and model name; ARM: implementer and
 * part). From the vendors' optimization manuals and the microarchitecture
 * guides (Intel's and AMD's software optimization guides, Arm's Neoverse
 * software optimization guides). A processor not listed here has no
 * theoretical compute peak ("unknown"): a guess would be worse than none.
 */
import type { CpuinfoRecord } from './cpuinfo.js';

/** Per-core vector FMA throughput of one microarchitecture. */
export interface Microarchitecture {
  name: string;
  /** FMA operations a core starts per cycle, each on one vector of `vectorBits`. */
  fmaUnits: number;
  /** Width of each FMA operation, bits (AVX-512 split into 256-bit halves counts as 256). */
  vectorBits: number;
}

interface Entry extends Microarchitecture {
  matches(cpu: CpuinfoRecord): boolean;
}

const num = (v: string | undefined): number => (v === undefined ? NaN : Number(v));
const x86 = (vendor: string, family: number, models: Array<number | [number, number]>) => (cpu: CpuinfoRecord) =>
  cpu.vendor_id === vendor && num(cpu['cpu family']) === family && models.some((m) => (Array.isArray(m) ? num(cpu.model) >= m[0] && num(cpu.model) <= m[1] : num(cpu.model) === m));
const arm = (part: number) => (cpu: CpuinfoRecord) => num(cpu['CPU implementer']) === 0x41 && num(cpu['CPU part']) === part;
/** Skylake-SP and Cascade Lake Xeons with one 512-bit FMA unit: Bronze, Silver and Gold 5xxx but the Gold 5122. */
const oneFmaXeon = (cpu: CpuinfoRecord): boolean => /Xeon\(R\) (Bronze|Silver)|Xeon\(R\) Gold 5(?!122)\d{3}/.test(cpu['model name'] ?? '');

const TABLE: Entry[] = [
  { name: 'Intel Haswell/Broadwell', fmaUnits: 2, vectorBits: 256, matches: x86('GenuineIntel', 6, [60, 63, 69, 70, 61, 71, 79, 86]) },
  { name: 'Intel Skylake/Kaby Lake/Coffee Lake/Comet Lake (client)', fmaUnits: 2, vectorBits: 256, matches: x86('GenuineIntel', 6, [78, 94, 142, 158, 165, 166]) },
  { name: 'Intel Skylake-SP/Cascade Lake/Cooper Lake (one 512-bit FMA unit)', fmaUnits: 1, vectorBits: 512, matches: (c) => x86('GenuineIntel', 6, [85])(c) && oneFmaXeon(c) },
  { name: 'Intel Skylake-SP/Cascade Lake/Cooper Lake', fmaUnits: 2, vectorBits: 512, matches: x86('GenuineIntel', 6, [85]) },
  // Client Ice Lake and Tiger Lake fuse their two 256-bit units into one for 512-bit: 2 × 256 either way.
  { name: 'Intel Ice Lake/Tiger Lake (client)', fmaUnits: 2, vectorBits: 256, matches: x86('GenuineIntel', 6, [125, 126, 140, 141]) },
  { name: 'Intel Ice Lake-SP', fmaUnits: 2, vectorBits: 512, matches: x86('GenuineIntel', 6, [106, 108]) },
  { name: 'Intel Sapphire Rapids/Emerald Rapids/Granite Rapids', fmaUnits: 2, vectorBits: 512, matches: x86('GenuineIntel', 6, [143, 207, 173, 174]) },
  { name: 'AMD Zen/Zen+', fmaUnits: 2, vectorBits: 128, matches: x86('AuthenticAMD', 23, [[0x00, 0x2f]]) },
  { name: 'AMD Zen 2', fmaUnits: 2, vectorBits: 256, matches: x86('AuthenticAMD', 23, [[0x30, 0xff]]) },
  { name: 'AMD Zen 3', fmaUnits: 2, vectorBits: 256, matches: x86('AuthenticAMD', 25, [[0x00, 0x0f], [0x20, 0x5f]]) },
  // Zen 4 runs AVX-512 as two 256-bit halves.
  { name: 'AMD Zen 4', fmaUnits: 2, vectorBits: 256, matches: x86('AuthenticAMD', 25, [[0x10, 0x1f], [0x60, 0x7f], [0xa0, 0xaf]]) },
  { name: 'AMD Zen 5 (mobile, 256-bit datapath)', fmaUnits: 2, vectorBits: 256, matches: x86('AuthenticAMD', 26, [[0x20, 0x2f], [0x60, 0x7f]]) },
  { name: 'AMD Zen 5', fmaUnits: 2, vectorBits: 512, matches: x86('AuthenticAMD', 26, [[0x00, 0x1f], [0x40, 0x4f]]) },
  { name: 'Arm Neoverse N1', fmaUnits: 2, vectorBits: 128, matches: arm(0xd0c) },
  { name: 'Arm Neoverse N2', fmaUnits: 2, vectorBits: 128, matches: arm(0xd49) },
  // V1 also runs SVE as 2 × 256 bits: the same rate.
  { name: 'Arm Neoverse V1', fmaUnits: 4, vectorBits: 128, matches: arm(0xd40) },
  { name: 'Arm Neoverse V2', fmaUnits: 4, vectorBits: 128, matches: arm(0xd4f) },
];

/** The microarchitecture of a logical CPU's description, or null where it is not in the table. */
export function identifyMicroarchitecture(cpu: CpuinfoRecord): Microarchitecture | null {
  const hit = TABLE.find((e) => e.matches(cpu));
  return hit ? { name: hit.name, fmaUnits: hit.fmaUnits, vectorBits: hit.vectorBits } : null;
}

/** How the processor was identified, for messages: "GenuineIntel family 6 model 106" or "ARM implementer 0x41 part 0xd40". */
export function describeIdentity(cpu: CpuinfoRecord): string {
  if (cpu.vendor_id) return `${cpu.vendor_id} family ${cpu['cpu family'] ?? '?'} model ${cpu.model ?? '?'}${cpu['model name'] ? ` (${cpu['model name']})` : ''}`;
  if (cpu['CPU implementer']) return `ARM implementer ${cpu['CPU implementer']} part ${cpu['CPU part'] ?? '?'}`;
  return 'an unidentified processor';
}

/**
 * The widest FMA vector the ISA flags let software use, bits: a hypervisor
 * may hide AVX-512 from a core that has it, and then its 256-bit path is what
 * runs. Null when the flags show no fused multiply-add at all.
 */
export function flagVectorBits(features: readonly string[]): number | null {
  const has = (f: string): boolean => features.includes(f);
  if (has('avx512f')) return 512;
  if (has('fma')) return 256;
  if (has('asimd')) return 128;
  return null;
}
