/**
 * A roofline per device from its own measurements: the memory-bandwidth
 * ceiling is the best `stream` (or `reduce`) result, the compute ceilings the
 * best `fma-peak` and `gemm` result per precision; every result whose work
 * counts both FLOP and bytes is placed at its arithmetic intensity
 * (FLOP per byte) and achieved FLOP/s.
 */
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
}

const completed = (r: Result): boolean => r.status === 'completed' && r.throughput !== null;

/** FLOP/s a result achieved: its throughput converted through its work per iteration. */
function flopsOf(r: Result): number | null {
  const w = r.work.perIteration;
  if (!r.throughput || !w.flop) return null;
  if (r.work.unit === 'FLOP') return r.throughput.value;
  const per = r.work.unit === 'byte' ? w.bytes : w.items;
  return per ? (r.throughput.value * w.flop) / per : null;
}

export function rooflineOf(device: string, results: readonly Result[]): Roofline {
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
  return { device, bandwidth: bw ? { value: bw.throughput!.value, from: bw.id } : null, compute: [...ceilings.values()].sort((a, b) => b.value - a.value), points };
}

export function rooflineChart(roof: Roofline): TopLevelSpec | null {
  if (!roof.bandwidth && !roof.compute.length) return null;
  // Folds, not Math.max(...points): a device can have more results than a call may take arguments.
  const peak = roof.compute[0]?.value ?? roof.points.reduce((m, p) => Math.max(m, p.flops), 1);
  const ridge = roof.bandwidth ? peak / roof.bandwidth.value : 1;
  // The x range spans every point and the ridge point, a decade beyond each end.
  const lo = 10 ** Math.floor(Math.log10(roof.points.reduce((m, p) => Math.min(m, p.intensity), ridge)) - 1);
  const hi = 10 ** Math.ceil(Math.log10(roof.points.reduce((m, p) => Math.max(m, p.intensity), ridge)) + 1);
  const lines: Array<{ ceiling: string; intensity: number; flops: number }> = [];
  for (const c of roof.compute) {
    const knee = roof.bandwidth ? Math.max(lo, c.value / roof.bandwidth.value) : lo;
    // A ceiling whose knee lies left of the range is flat across it: the roof is min(bandwidth × intensity, ceiling).
    if (roof.bandwidth) lines.push({ ceiling: c.label, intensity: lo, flops: Math.min(roof.bandwidth.value * lo, c.value) }, { ceiling: c.label, intensity: knee, flops: c.value });
    else lines.push({ ceiling: c.label, intensity: lo, flops: c.value });
    lines.push({ ceiling: c.label, intensity: hi, flops: c.value });
  }
  if (!roof.compute.length && roof.bandwidth) lines.push({ ceiling: 'memory bandwidth', intensity: lo, flops: roof.bandwidth.value * lo }, { ceiling: 'memory bandwidth', intensity: hi, flops: roof.bandwidth.value * hi });
  const scale = { type: 'log' };
  return {
    title: { text: `roofline: ${roof.device}`, subtitle: roof.bandwidth ? `memory bandwidth ${(roof.bandwidth.value / 1e9).toPrecision(3)} GB/s (${roof.bandwidth.from})` : 'no bandwidth measurement' },
    width: 520,
    height: 300,
    layer: [
      { data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x: { field: 'intensity', type: 'quantitative', scale: { ...scale, domain: [lo, hi] }, title: 'arithmetic intensity (FLOP/byte)' }, y: { field: 'flops', type: 'quantitative', scale, title: 'FLOP/s', axis: { format: '~s' } }, color: { field: 'ceiling', type: 'nominal', title: 'ceiling' } } },
      ...(roof.points.length
        ? [
            { data: { values: roof.points }, mark: { type: 'point', filled: true, size: 60, color: '#222' }, encoding: { x: { field: 'intensity', type: 'quantitative' }, y: { field: 'flops', type: 'quantitative' }, shape: { field: 'label', type: 'nominal', title: 'result' } } },
          ]
        : []),
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  } as TopLevelSpec;
}
