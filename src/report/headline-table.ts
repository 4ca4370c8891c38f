/**
 * A device's headline (headline.ts) as table cells: each figure with its 95 %
 * interval, its fraction of the theoretical peak, and the result it came from
 * (by its row number in the results table).
 */
import { formatSI } from '../core/units.js';
import { relHalfWidth } from '../measure/result.js';
import type { DeviceHeadline, HeadlineFigure } from './headline.js';
import type { Column } from './table.js';

/** The columns of headlineRows. */
export const HEADLINE_COLUMNS: readonly Column[] = [
  { header: 'figure' },
  { header: 'value (95 %)', align: 'right' },
  { header: 'of theoretical peak', align: 'right' },
  { header: 'from', shrink: 8 },
];

/**
 * A percentage: to `digits` significant digits ("78.1 %" with 3), or for a relative half-width by default with
 * as many as it deserves ("±12 %", "±1.1 %", "±0.04 %").
 */
export function percent(fraction: number, digits?: number): string {
  const p = fraction * 100;
  if (!Number.isFinite(p)) return '—';
  // toPrecision turns to exponents at 10^digits; whole per cents are precise enough there.
  if (digits !== undefined) return `${Math.abs(p) >= 10 ** digits ? p.toFixed(0) : p.toPrecision(digits)} %`;
  return `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toPrecision(1)} %`;
}

/** "12.34 GFLOP/s ±0.8 %": the value and its interval's half-width relative to it (or that the interval has no upper bound). */
function withHalfWidth(value: number, unit: string, ci: readonly [number, number]): string {
  const half = relHalfWidth({ value, ci95: ci });
  return `${formatSI(value, unit)} ${Number.isFinite(half) ? `±${percent(half)}` : '(interval unbounded)'}`;
}

/**
 * "78.0 % (77.1–78.9 %) of 220.8 GFLOP/s"; where there is none: "unknown" when the device states peaks but not
 * this one, "—" when it states none, nothing for figures that have no peak (latency, work per joule).
 */
function peakCell(f: HeadlineFigure, statesPeaks: boolean): string {
  if (f.kind !== 'compute' && f.kind !== 'bandwidth') return '';
  if (!f.ofPeak) return statesPeaks ? 'unknown' : '—';
  const { fraction, ci95, peak } = f.ofPeak;
  return `${percent(fraction, 3)} (${percent(ci95[0], 3).replace(' %', '')}–${percent(ci95[1], 3)}) of ${formatSI(peak, f.estimate.unit)}`;
}

export function headlineRows(h: DeviceHeadline): string[][] {
  return h.figures.map((f) => [f.label, withHalfWidth(f.estimate.value, f.estimate.unit, f.estimate.ci95), peakCell(f, h.peaks !== null), `#${f.from.row} ${f.from.probe}`]);
}

/** The line above a device's headline: "cpu0: AMD EPYC 7551 (cpu)". */
export function headlineTitle(h: DeviceHeadline): string {
  return `${h.device}: ${h.name} (${h.backend})`;
}

/** Where the device's theoretical peaks came from, one line each (none when it states none). */
export function peakSources(h: DeviceHeadline): string[] {
  if (!h.peaks) return [];
  return [...h.peaks.sources.map((s) => `theoretical peak: ${s}`), ...h.peaks.notes.map((n) => `theoretical peak: ${n}`)];
}
