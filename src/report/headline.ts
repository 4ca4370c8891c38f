/**
 * The headline of a report, per device: what a person wants to know first —
 * peak compute per precision (the best `fma-peak` or `gemm` result of each
 * dtype), memory bandwidth (the best `stream` result), launch latency (the
 * `launch-latency` probe) and the best work per joule of each unit — each
 * with its 95 % interval and, where the device states theoretical peaks
 * (DeviceInfo.peaks), the fraction of the peak it reached. Data only: the
 * summary and the report's document print it.
 */
import type { DeviceInfo } from '../backends/backend.js';
import type { Estimate, Result } from '../measure/result.js';
import type { Report } from './types.js';

const COMPUTE_PROBES = ['fma-peak', 'gemm'];
const BANDWIDTH_PROBE = 'stream';
const LAUNCH_PROBE = 'launch-latency';

/** What a headline figure says. */
export type FigureKind = 'compute' | 'bandwidth' | 'launch latency' | 'work per joule';

/** One figure of a device's headline. */
export interface HeadlineFigure {
  kind: FigureKind;
  /** "compute f32", "memory bandwidth", "launch latency (mean)", "work per joule (FLOP)". */
  label: string;
  /** The figure with its 95 % interval, in its unit (FLOP/s, byte/s, s for a launch, FLOP/J …). */
  estimate: Estimate;
  /** The result it comes from, and that result's 1-based position in the report's results. */
  from: { id: string; probe: string; row: number };
  /**
   * Fraction of the device's theoretical peak (0.78 = 78 %), with the interval the estimate's gives it (the
   * peak taken as exact), and the peak in the estimate's unit; null where the device states no such peak.
   */
  ofPeak: { fraction: number; ci95: [number, number]; peak: number } | null;
}

export interface DeviceHeadline {
  device: string;
  name: string;
  backend: string;
  figures: HeadlineFigure[];
  /** Whether the device states theoretical peaks at all; their sources and notes, one line each. */
  peaks: { sources: string[]; notes: string[] } | null;
}

interface Row {
  r: Result;
  row: number;
}

/** For each key (null: leave the row out), the row with the highest value. */
function bestBy(rows: readonly Row[], key: (r: Result) => string | null, value: (r: Result) => number): Map<string, Row> {
  const held = new Map<string, Row>();
  for (const x of rows) {
    const k = key(x.r);
    if (k === null) continue;
    const h = held.get(k);
    if (!h || value(h.r) < value(x.r)) held.set(k, x);
  }
  return held;
}

const throughputOf = (r: Result): number => r.throughput!.value;

/** The row of highest throughput among those `keep` accepts, or undefined. */
const best = (rows: readonly Row[], keep: (r: Result) => boolean): Row | undefined => bestBy(rows, (r) => (keep(r) ? '' : null), throughputOf).get('');

function ofPeak(e: Estimate, peak: number | null | undefined): HeadlineFigure['ofPeak'] {
  if (!peak || !(peak > 0)) return null;
  return { fraction: e.value / peak, ci95: [e.ci95[0] / peak, e.ci95[1] / peak], peak };
}

function figure(kind: FigureKind, label: string, x: Row, estimate: Estimate, peak?: number | null): HeadlineFigure {
  return { kind, label, estimate, from: { id: x.r.id, probe: x.r.probe, row: x.row }, ofPeak: ofPeak(estimate, peak) };
}

/** The best FLOP/s of each dtype among the compute probes, highest first. */
function computeFigures(mine: readonly Row[], device: DeviceInfo): HeadlineFigure[] {
  const byDtype = bestBy(mine, (r) => (COMPUTE_PROBES.includes(r.probe) && r.work.unit === 'FLOP' ? String(r.params.dtype ?? 'unknown precision') : null), throughputOf);
  return [...byDtype]
    .map(([dtype, top]) => figure('compute', `compute ${dtype}`, top, top.r.throughput!, device.peaks?.flops[dtype]))
    .sort((a, b) => b.estimate.value - a.estimate.value);
}

/** The mean launch round trip, 1 / throughput, of the fastest launch-latency result (its interval inverted too; unbounded above when the rate's reaches 0). */
function launchFigure(mine: readonly Row[]): HeadlineFigure[] {
  const top = best(mine, (r) => r.probe === LAUNCH_PROBE);
  if (!top) return [];
  const t = top.r.throughput!;
  // An interval of the rate reaching down to zero leaves the time per launch without an upper bound.
  return [figure('launch latency', 'launch latency (mean)', top, { value: 1 / t.value, unit: 's', ci95: [1 / t.ci95[1], t.ci95[0] > 0 ? 1 / t.ci95[0] : Infinity] })];
}

/** The best work per joule of each unit (FLOP/J, byte/J … do not compare). */
function efficiencyFigures(mine: readonly Row[]): HeadlineFigure[] {
  const byUnit = bestBy(mine, (r) => r.efficiency?.unit ?? null, (r) => r.efficiency!.value);
  return [...byUnit.values()].map((x) => {
    const { dynamic: _dynamic, ...estimate } = x.r.efficiency!;
    return figure('work per joule', `work per joule (${estimate.unit.replace(/\/J$/, '')})`, x, estimate);
  });
}

/** The headline of one device from its completed results (`rows`: every result with its row number). */
function deviceHeadline(device: DeviceInfo, rows: readonly Row[]): DeviceHeadline {
  const mine = rows.filter((x) => x.r.device === device.id);
  const stream = best(mine, (r) => r.probe === BANDWIDTH_PROBE && r.work.unit === 'byte');
  return {
    device: device.id,
    name: device.name,
    backend: device.backend,
    figures: [
      ...computeFigures(mine, device),
      ...(stream ? [figure('bandwidth', 'memory bandwidth', stream, stream.r.throughput!, device.peaks?.memoryBytesPerSecond)] : []),
      ...launchFigure(mine),
      ...efficiencyFigures(mine),
    ],
    peaks: device.peaks ? { sources: device.peaks.sources, notes: device.peaks.notes } : null,
  };
}

/** Each device's headline, in the report's device order; devices without a completed result are left out. */
export function headlineOf(report: Report): DeviceHeadline[] {
  const rows: Row[] = [];
  report.results.forEach((r, i) => {
    if (r.status === 'completed' && r.throughput) rows.push({ r, row: i + 1 });
  });
  return report.devices.map((d) => deviceHeadline(d, rows)).filter((h) => h.figures.length > 0);
}
