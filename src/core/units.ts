/**
 * Units of work and their formatting. Inside flopmeter every quantity is in
 * SI base units (seconds, bytes, joules, watts, hertz, FLOP); prefixes are
 * applied only when printing.
 */

/** What a probe counts per iteration. Exactly one kind is the probe's headline. */
export type WorkKind = 'flop' | 'bytes' | 'items' | 'samples';

/** Work done by one iteration, in counted units. */
export interface Work {
  /** Floating-point operations (an FMA counts as 2). */
  flop?: number;
  /** Bytes moved, counted as the probe's definition says (e.g. STREAM counting). */
  bytes?: number;
  /** Items processed (elements, launches). */
  items?: number;
  /** Model inputs processed (inferences, or training samples). */
  samples?: number;
}

/** The unit string of one unit of a work kind. */
export const WORK_UNIT: Record<WorkKind, string> = { flop: 'FLOP', bytes: 'byte', items: 'item', samples: 'sample' };

/** Throughput unit of a work kind, e.g. "FLOP/s". */
export function throughputUnit(kind: WorkKind): string {
  return `${WORK_UNIT[kind]}/s`;
}

const PREFIXES: ReadonlyArray<[number, string]> = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
];

/** Formats a value with an SI prefix and 4 significant digits: 1.234e10 "FLOP/s" → "12.34 GFLOP/s". */
export function formatSI(value: number | null | undefined, unit: string, digits = 4): string {
  if (value == null || !Number.isFinite(value)) return '—';
  if (value === 0) return `0 ${unit}`;
  const abs = Math.abs(value);
  const [scale, prefix] = PREFIXES.find(([s]) => abs >= s) ?? PREFIXES[PREFIXES.length - 1]!;
  return `${(value / scale).toPrecision(digits)} ${prefix}${unit}`;
}

/** Formats seconds for a duration display: "1 m 05 s", "12.3 s", "250 ms". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds >= 60) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds - m * 60);
    return `${m} m ${String(s).padStart(2, '0')} s`;
  }
  if (seconds >= 1) return `${seconds.toFixed(1)} s`;
  return formatSI(seconds, 's', 3);
}

/** Bytes in binary units for memory sizes: 1610612736 → "1.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
