/**
 * A roofline per device from its own measurements: the memory-bandwidth
 * ceiling is the best `stream` (or `reduce`) result, the compute ceilings the
 * best `fma-peak` and `gemm` result per precision; every result whose work
 * counts both FLOP and bytes is placed at its arithmetic intensity
 * (FLOP per byte) and achieved FLOP/s. Where the device states theoretical
 * peaks (DeviceInfo.peaks), its theoretical roof is drawn too, dashed.
 */
import type { TheoreticalPeaks } from '../../backends/backend.js';
import type { Result } from '../../measure/result.js';
import type { TopLevelSpec } from './svg.js';

const BANDWIDTH_PROBES = ['stream', 'reduce'];
const COMPUTE_PROBES = ['fma-peak', 'gemm'];

export interface Roofline {
  device: string;
  /** Best measured memory bandwidth, bytes/s, and the result it came from. */
  bandwidth: { value: number; from: string } | null;
  /** Best measured FLOP/s per ceiling label ("fma-peak f32", "gemm bf16"). */
  compute: Array<{ label: string; value: number; from: string }>;
  /** Results placed by intensity. */
  points: Array<{ id: string; label: string; intensity: number; flops: number }>;
  /** The device's theoretical ceilings, where it states peaks: bandwidth in byte/s, FLOP/s per precision ("f32 theoretical"). */
  theoretical: { bandwidth: number | null; compute: Array<{ label: string; value: number }> } | null;
}

/** A point of a ceiling's line. */
type LinePoint = { ceiling: string; intensity: number; flops: number };

const completed = (r: Result): boolean => r.status === 'completed' && r.throughput !== null;

/** FLOP/s a result achieved: its throughput converted through its work per iteration. */
function flopsOf(r: Result): number | null {
  const w = r.work.perIteration;
  if (!r.throughput || !w.flop) return null;
  if (r.work.unit === 'FLOP') return r.throughput.value;
  const per = r.work.unit === 'byte' ? w.bytes : w.items;
  return per ? (r.throughput.value * w.flop) / per : null;
}

/** The theoretical ceilings a device's peaks give (the unknown ones left out), highest first; null without peaks. */
function theoreticalOf(peaks: TheoreticalPeaks | undefined): Roofline['theoretical'] {
  if (!peaks) return null;
  const compute = Object.entries(peaks.flops).flatMap(([dtype, v]) => (v && v > 0 ? [{ label: `${dtype} theoretical`, value: v }] : []));
  return { bandwidth: peaks.memoryBytesPerSecond && peaks.memoryBytesPerSecond > 0 ? peaks.memoryBytesPerSecond : null, compute: compute.sort((a, b) => b.value - a.value) };
}

export function rooflineOf(device: string, results: readonly Result[], peaks?: TheoreticalPeaks): Roofline {
  const mine = results.filter((r) => r.device === device && completed(r));
  const bw = mine.filter((r) => BANDWIDTH_PROBES.includes(r.probe) && r.work.unit === 'byte').sort((a, b) => b.throughput!.value - a.throughput!.value)[0];
  const ceilings = new Map<string, { label: string; value: number; from: string }>();
  for (const r of mine.filter((x) => COMPUTE_PROBES.includes(x.probe) && x.work.unit === 'FLOP')) {
    const label = `${r.probe} ${r.params.dtype ?? ''}`.trim();
    if ((ceilings.get(label)?.value ?? 0) < r.throughput!.value) ceilings.set(label, { label, value: r.throughput!.value, from: r.id });
  }
  const points = mine.flatMap((r) => {
    const flops = flopsOf(r);
    const w = r.work.perIteration;
    if (flops === null || !w.bytes || !w.flop) return [];
    const label = `${r.probe} ${Object.values(r.params).join(' ')}`.trim();
    return [{ id: r.id, label, intensity: w.flop / w.bytes, flops }];
  });
  return {
    device,
    bandwidth: bw ? { value: bw.throughput!.value, from: bw.id } : null,
    compute: [...ceilings.values()].sort((a, b) => b.value - a.value),
    points,
    theoretical: theoreticalOf(peaks),
  };
}

/**
 * The roof of each compute ceiling across [lo, hi]: min(bandwidth × intensity, ceiling), flat without a
 * bandwidth; the bandwidth's slope alone (labelled `bandwidthLabel`) when there is no compute ceiling.
 */
function roofLines(compute: ReadonlyArray<{ label: string; value: number }>, bandwidth: number | null, [lo, hi]: [number, number], bandwidthLabel: string): LinePoint[] {
  const lines: LinePoint[] = [];
  for (const c of compute) {
    const knee = bandwidth ? Math.max(lo, c.value / bandwidth) : lo;
    // A ceiling whose knee lies left of the range is flat across it: the roof is min(bandwidth × intensity, ceiling).
    if (bandwidth) lines.push({ ceiling: c.label, intensity: lo, flops: Math.min(bandwidth * lo, c.value) }, { ceiling: c.label, intensity: knee, flops: c.value });
    else lines.push({ ceiling: c.label, intensity: lo, flops: c.value });
    lines.push({ ceiling: c.label, intensity: hi, flops: c.value });
  }
  if (!compute.length && bandwidth) lines.push({ ceiling: bandwidthLabel, intensity: lo, flops: bandwidth * lo }, { ceiling: bandwidthLabel, intensity: hi, flops: bandwidth * hi });
  return lines;
}

/** The chart's intensity range: every point and ridge point (measured and theoretical), a decade beyond each end. */
function intensityRange(roof: Roofline): [number, number] {
  // Folds, not Math.max(...points): a device can have more results than a call may take arguments.
  const peak = roof.compute[0]?.value ?? roof.points.reduce((m, p) => Math.max(m, p.flops), 1);
  const ridges = [roof.bandwidth ? peak / roof.bandwidth.value : 1];
  const t = roof.theoretical;
  if (t?.bandwidth && t.compute.length) ridges.push(t.compute[0]!.value / t.bandwidth);
  const lo = 10 ** Math.floor(Math.log10(roof.points.reduce((m, p) => Math.min(m, p.intensity), Math.min(...ridges))) - 1);
  const hi = 10 ** Math.ceil(Math.log10(roof.points.reduce((m, p) => Math.max(m, p.intensity), Math.max(...ridges))) + 1);
  return [lo, hi];
}

export function rooflineChart(roof: Roofline): TopLevelSpec | null {
  if (!roof.bandwidth && !roof.compute.length) return null;
  const range = intensityRange(roof);
  const lines = roofLines(roof.compute, roof.bandwidth?.value ?? null, range, 'memory bandwidth');
  const t = roof.theoretical;
  const theoretical = t ? roofLines(t.compute, t.bandwidth, range, 'memory bandwidth theoretical') : [];
  const scale = { type: 'log' };
  const x = { field: 'intensity', type: 'quantitative' };
  const y = { field: 'flops', type: 'quantitative' };
  const measured = roof.bandwidth ? `memory bandwidth ${(roof.bandwidth.value / 1e9).toPrecision(3)} GB/s (${roof.bandwidth.from})` : 'no bandwidth measurement';
  return {
    title: { text: `roofline: ${roof.device}`, subtitle: t?.bandwidth ? `${measured}; theoretical ${(t.bandwidth / 1e9).toPrecision(3)} GB/s` : measured },
    width: 520,
    height: 300,
    layer: [
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x: { ...x, scale: { ...scale, domain: range }, title: 'arithmetic intensity (FLOP/byte)' }, y: { ...y, scale, title: 'FLOP/s', axis: { format: '~s' } }, color: { field: 'ceiling', type: 'nominal', title: 'measured ceiling' } } },
      // The theoretical roof dashed, in its own legend.
      ...(theoretical.length ? [{ data: { values: theoretical }, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [6, 4] }, encoding: { x, y, color: { field: 'ceiling', type: 'nominal', title: 'theoretical ceiling' } } }] : []),
      ...(roof.points.length ? [{ data: { values: roof.points }, mark: { type: 'point', filled: true, size: 60, color: '#222' }, encoding: { x, y, shape: { field: 'label', type: 'nominal', title: 'result' } } }] : []),
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  } as TopLevelSpec;
}
