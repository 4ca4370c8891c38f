import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/measure/result.js';
import { rooflineChart, rooflineOf, type Roofline } from '../../../src/report/charts/roofline.js';
import { renderSvg } from '../../../src/report/charts/svg.js';
import { CPU_PEAKS } from '../../fixtures/headline-report.js';
import { fullReport, resultWith } from '../../fixtures/report.js';

/** A byte-counted bandwidth result (STREAM triad-like: 24 MB and 2 MFLOP per iteration). */
function stream(throughput: number, opts: { device?: string; probe?: string; op?: string } = {}): Result {
  const r = resultWith({ probe: opts.probe ?? 'stream', device: opts.device, params: { op: opts.op ?? 'triad', n: 1000000 }, throughput, relA: 0.005 });
  r.work = { unit: 'byte', perIteration: { bytes: 24e6, flop: 2e6 }, iterations: 100, total: 100 * 24e6 };
  r.throughput = { ...r.throughput!, unit: 'byte/s' };
  return r;
}

/** A FLOP-counted compute result with no byte count (fma-peak), or with one (gemm, from the fixture). */
function compute(probe: 'fma-peak' | 'gemm', dtype: string, throughput: number, n = 256): Result {
  const r = resultWith({ probe, params: probe === 'gemm' ? { n, dtype } : { dtype }, throughput, relA: 0.005 });
  if (probe === 'fma-peak') r.work = { unit: 'FLOP', perIteration: { flop: 1e9 }, iterations: 10, total: 1e10 };
  return r;
}

const GEMM_FLOP = 2 * 256 ** 3;
const GEMM_BYTES = 786432;

function sample(): Result[] {
  const errored = compute('gemm', 'fp8', 1e15, 512);
  errored.status = 'errored';
  errored.reason = 'launch failed';
  const erroredStream = stream(9e12, { op: 'copy' });
  erroredStream.status = 'errored';
  const noThroughput = compute('fma-peak', 'f64', 3e15);
  noThroughput.throughput = null;
  return [
    stream(150e9, { op: 'copy' }),
    stream(200e9),
    stream(120e9, { probe: 'reduce', op: 'sum' }),
    compute('fma-peak', 'f32', 1e12),
    compute('gemm', 'f32', 500e9),
    compute('gemm', 'bf16', 1.5e12, 512),
    compute('gemm', 'bf16', 2e12),
    errored,
    erroredStream,
    noThroughput,
    // Another device's results are not this device's ceilings or points.
    stream(5e12, { device: 'cuda0' }),
    { ...compute('gemm', 'bf16', 9e14), device: 'cuda0', id: 'cuda0/gemm/n=256,dtype=bf16' },
  ];
}

describe('rooflineOf', () => {
  it('takes the best byte-counted stream/reduce result as the bandwidth ceiling', () => {
    const roof = rooflineOf('cpu0', sample());
    expect(roof.device).toBe('cpu0');
    expect(roof.bandwidth).toEqual({ value: 200e9, from: 'cpu0/stream/op=triad,n=1000000' });
  });

  it('takes the best fma-peak and gemm result per precision as compute ceilings, highest first', () => {
    const roof = rooflineOf('cpu0', sample());
    expect(roof.compute).toEqual([
      { label: 'gemm bf16', value: 2e12, from: 'cpu0/gemm/n=256,dtype=bf16' },
      { label: 'fma-peak f32', value: 1e12, from: 'cpu0/fma-peak/dtype=f32' },
      { label: 'gemm f32', value: 500e9, from: 'cpu0/gemm/n=256,dtype=f32' },
    ]);
  });

  it('places every completed result counting FLOP and bytes at its intensity and FLOP/s', () => {
    const roof = rooflineOf('cpu0', sample());
    const byId = new Map(roof.points.map((p) => [p.id, p]));
    // Byte-counted: FLOP/s = bytes/s × FLOP per byte.
    const triad = byId.get('cpu0/stream/op=triad,n=1000000')!;
    expect(triad.label).toBe('stream triad 1000000');
    expect(triad.intensity).toBeCloseTo(2e6 / 24e6, 15);
    expect(triad.flops).toBeCloseTo((200e9 * 2e6) / 24e6, 0);
    expect(byId.get('cpu0/stream/op=copy,n=1000000')!.flops).toBeCloseTo((150e9 * 2e6) / 24e6, 0);
    expect(byId.get('cpu0/reduce/op=sum,n=1000000')!.flops).toBeCloseTo((120e9 * 2e6) / 24e6, 0);
    // FLOP-counted: FLOP/s is the throughput.
    const gemm = byId.get('cpu0/gemm/n=256,dtype=bf16')!;
    expect(gemm).toEqual({ id: 'cpu0/gemm/n=256,dtype=bf16', label: 'gemm 256 bf16', intensity: GEMM_FLOP / GEMM_BYTES, flops: 2e12 });
    // fma-peak counts no bytes: a ceiling, not a point; errored results and other devices are left out.
    expect([...byId.keys()].sort()).toEqual(
      ['cpu0/gemm/n=256,dtype=bf16', 'cpu0/gemm/n=256,dtype=f32', 'cpu0/gemm/n=512,dtype=bf16', 'cpu0/reduce/op=sum,n=1000000', 'cpu0/stream/op=copy,n=1000000', 'cpu0/stream/op=triad,n=1000000'].sort(),
    );
  });

  it('converts item-counted results through FLOP per item', () => {
    const r = stream(1e9);
    r.work = { unit: 'item', perIteration: { items: 1000, flop: 4000, bytes: 8000 }, iterations: 1, total: 1000 };
    const roof = rooflineOf('cpu0', [r]);
    expect(roof.points).toEqual([{ id: r.id, label: 'stream triad 1000000', intensity: 0.5, flops: 4e9 }]);
    // An item-counted stream is no bandwidth measurement.
    expect(roof.bandwidth).toBeNull();
  });

  it('ignores errored results and other devices entirely', () => {
    const roof = rooflineOf('cpu0', sample());
    const ids = [roof.bandwidth!.from, ...roof.compute.map((c) => c.from), ...roof.points.map((p) => p.id)];
    expect(ids.some((id) => id.includes('fp8'))).toBe(false);
    // The errored copy (9 TB/s) would otherwise be the bandwidth ceiling.
    expect(roof.bandwidth!.value).toBe(200e9);
    expect(ids.some((id) => id.startsWith('cuda0/'))).toBe(false);
    expect(roof.compute.map((c) => c.label)).not.toContain('gemm fp8');
    expect(roof.compute.map((c) => c.label)).not.toContain('fma-peak f64');

    const cuda = rooflineOf('cuda0', sample());
    expect(cuda.bandwidth).toEqual({ value: 5e12, from: 'cuda0/stream/op=triad,n=1000000' });
    expect(cuda.compute).toEqual([{ label: 'gemm bf16', value: 9e14, from: 'cuda0/gemm/n=256,dtype=bf16' }]);
    expect(rooflineOf('gpu7', sample())).toEqual({ device: 'gpu7', bandwidth: null, compute: [], points: [], theoretical: null });
  });
});

type Spec = {
  title: { text: string; subtitle: string };
  layer: Array<{ data: { values: Array<Record<string, unknown>> }; encoding: { x: { scale?: { domain: [number, number] } } } }>;
};

describe('rooflineChart', () => {
  it('is null without any ceiling', () => {
    expect(rooflineChart(rooflineOf('gpu7', sample()))).toBeNull();
    const onlyPoints: Roofline = { device: 'x', bandwidth: null, compute: [], points: [{ id: 'a', label: 'a', intensity: 1, flops: 1e9 }], theoretical: null };
    expect(rooflineChart(onlyPoints)).toBeNull();
  });

  it('draws each compute ceiling from the bandwidth slope to its knee, then flat, over a range a decade past the ridge and every point', () => {
    const roof = rooflineOf('cpu0', sample());
    const spec = rooflineChart(roof) as unknown as Spec;
    expect(spec.title).toEqual({ text: 'roofline: cpu0', subtitle: 'memory bandwidth 200 GB/s (cpu0/stream/op=triad,n=1000000)' });
    // Points from 1/12 FLOP/byte (stream) to 42.7 (gemm) and the ridge 2e12 / 200e9 = 10: 1e-3 … 1e3.
    const [lines, points] = spec.layer as [Spec['layer'][number], Spec['layer'][number]];
    expect(lines.encoding.x.scale!.domain).toEqual([1e-3, 1e3]);
    const bf16 = lines.data.values.filter((l) => l.ceiling === 'gemm bf16');
    expect(bf16).toHaveLength(3);
    expect(bf16[0]).toEqual({ ceiling: 'gemm bf16', intensity: 1e-3, flops: 200e9 * 1e-3 });
    expect(bf16[1]!.intensity).toBeCloseTo(10, 12);
    expect(bf16[1]!.flops).toBe(2e12);
    expect(bf16[2]).toEqual({ ceiling: 'gemm bf16', intensity: 1e3, flops: 2e12 });
    const f32 = lines.data.values.filter((l) => l.ceiling === 'gemm f32');
    expect(f32[1]!.intensity).toBeCloseTo(2.5, 12);
    expect(new Set(lines.data.values.map((l) => l.ceiling))).toEqual(new Set(['gemm bf16', 'fma-peak f32', 'gemm f32']));
    expect(points.data.values).toEqual(roof.points);
  });

  it('draws the bandwidth alone as a sloped line when no compute ceiling was measured', () => {
    const roof = rooflineOf('cpu0', [stream(100e9)]);
    expect(roof.compute).toEqual([]);
    const spec = rooflineChart(roof) as unknown as Spec;
    // Without a compute peak the ridge is where the highest point sits (1/12 FLOP/byte): the range is 1e-3 … 1.
    expect(spec.layer[0]!.data.values).toEqual([
      { ceiling: 'memory bandwidth', intensity: 1e-3, flops: 100e9 * 1e-3 },
      { ceiling: 'memory bandwidth', intensity: 1, flops: 100e9 },
    ]);
    expect(spec.layer[0]!.encoding.x.scale!.domain).toEqual([1e-3, 1]);
  });

  it('draws flat compute ceilings when no bandwidth was measured', () => {
    const roof = rooflineOf('cpu0', [compute('fma-peak', 'f32', 1e12)]);
    const spec = rooflineChart(roof) as unknown as Spec;
    expect(spec.title.subtitle).toBe('no bandwidth measurement');
    expect(spec.layer).toHaveLength(1);
    expect(spec.layer[0]!.data.values.every((l) => l.flops === 1e12)).toBe(true);
  });

  it('renders to SVG with the ceilings in the legend and one mark per point', async () => {
    const roof = rooflineOf('cpu0', sample());
    const svg = await renderSvg(rooflineChart(roof)!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>roofline: cpu0</text>');
    expect(svg).toContain('>gemm bf16</text>');
    expect(svg).toContain('>fma-peak f32</text>');
    expect(svg).toContain('>gemm f32</text>');
    expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(3);
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(roof.points.length);
  });

  it('renders the report fixture (one gemm result: a compute ceiling and its point)', async () => {
    const report = fullReport();
    const roof = rooflineOf('cpu0', report.results);
    expect(roof.compute).toEqual([{ label: 'gemm f32', value: 4e9, from: 'cpu0/gemm/n=256' }]);
    expect(roof.points).toEqual([{ id: 'cpu0/gemm/n=256', label: 'gemm 256 f32', intensity: GEMM_FLOP / GEMM_BYTES, flops: 4e9 }]);
    const svg = await renderSvg(rooflineChart(roof)!);
    expect(svg).toContain('>no bandwidth measurement</text>');
  });
});

describe('rooflineChart ceilings', () => {
  it('keeps every ceiling line at or under min(bandwidth × intensity, ceiling), even one whose knee falls left of the range', () => {
    // Bandwidth from a copy that counts no FLOP (so not a point), a gemm peak and an f64 ceiling 64 times lower:
    // ridge 2e12 / 40e9 = 50, gemm at 42.7 FLOP/byte, so the range starts at 1; the f64 knee is at 0.78.
    const copy = stream(40e9, { op: 'copy' });
    copy.work = { unit: 'byte', perIteration: { bytes: 16e6 }, iterations: 100, total: 1.6e9 };
    const roof = rooflineOf('cpu0', [copy, compute('gemm', 'bf16', 2e12), compute('fma-peak', 'f64', 2e12 / 64)]);
    expect(roof.points.map((p) => p.id)).toEqual(['cpu0/gemm/n=256,dtype=bf16']);
    const spec = rooflineChart(roof) as unknown as Spec;
    const lines = spec.layer[0]!.data.values as Array<{ ceiling: string; intensity: number; flops: number }>;
    expect(spec.layer[0]!.encoding.x.scale!.domain).toEqual([1, 1e3]);
    for (const c of roof.compute) {
      const line = lines.filter((l) => l.ceiling === c.label);
      expect(line.length).toBeGreaterThanOrEqual(2);
      for (const [i, v] of line.entries()) {
        expect(v.flops, `${c.label} at ${v.intensity}`).toBeLessThanOrEqual(Math.min(40e9 * v.intensity, c.value) * (1 + 1e-12));
        if (i > 0) {
          expect(v.intensity).toBeGreaterThanOrEqual(line[i - 1]!.intensity);
          expect(v.flops).toBeGreaterThanOrEqual(line[i - 1]!.flops);
        }
      }
      expect(line.at(-1)).toEqual({ ceiling: c.label, intensity: 1e3, flops: c.value });
    }
    // The f64 ceiling is flat over the whole range.
    expect(lines.filter((l) => l.ceiling === 'fma-peak f64').every((l) => l.flops === 2e12 / 64)).toBe(true);
  });
});

describe('theoretical ceilings', () => {
  type Line = { ceiling: string; intensity: number; flops: number };
  const lineLayers = (spec: Spec) => spec.layer.filter((l) => l.data.values.some((v) => 'ceiling' in v)) as unknown as Array<{ data: { values: Line[] }; mark: { strokeDash?: number[] } }>;

  it('come from the device’s peaks, the unknown ones left out, highest first', () => {
    const roof = rooflineOf('cpu0', sample(), CPU_PEAKS);
    expect(roof.theoretical).toEqual({ bandwidth: 50e9, compute: [{ label: 'f32 theoretical', value: 400e9 }, { label: 'f64 theoretical', value: 200e9 }] });
    // The measured ceilings are as without peaks.
    expect(roof.compute).toEqual(rooflineOf('cpu0', sample()).compute);
  });

  it('are drawn dashed beside the measured ones (solid), each the roof min(peak bandwidth × intensity, peak)', () => {
    const spec = rooflineChart(rooflineOf('cpu0', sample(), CPU_PEAKS)) as unknown as Spec;
    const [measured, theoretical] = lineLayers(spec);
    expect(measured!.mark.strokeDash).toBeUndefined();
    expect(theoretical!.mark.strokeDash).toEqual([6, 4]);
    expect(new Set(theoretical!.data.values.map((l) => l.ceiling))).toEqual(new Set(['f32 theoretical', 'f64 theoretical']));
    // Range 1e-3 … 1e3 (the theoretical ridge, 400e9 / 50e9 = 8, lies inside it); the f32 knee at 8 FLOP/byte.
    expect(theoretical!.data.values.filter((l) => l.ceiling === 'f32 theoretical')).toEqual([
      { ceiling: 'f32 theoretical', intensity: 1e-3, flops: 50e9 * 1e-3 },
      { ceiling: 'f32 theoretical', intensity: 8, flops: 400e9 },
      { ceiling: 'f32 theoretical', intensity: 1e3, flops: 400e9 },
    ]);
    expect(spec.title.subtitle).toBe('memory bandwidth 200 GB/s (cpu0/stream/op=triad,n=1000000); theoretical 50.0 GB/s');
  });

  it('widen the range to hold the theoretical ridge', () => {
    // Measured: one fma-peak ceiling, no bandwidth (range 0.1 … 10 around intensity 1); theoretical ridge 1e15 / 1e9 = 1e6.
    const peaks = { ...CPU_PEAKS, flops: { f32: 1e15 }, memoryBytesPerSecond: 1e9 };
    const spec = rooflineChart(rooflineOf('cpu0', [compute('fma-peak', 'f32', 1e12)], peaks)) as unknown as Spec;
    expect(spec.layer[0]!.encoding.x.scale!.domain).toEqual([0.1, 1e7]);
  });

  it('draw a theoretical bandwidth alone as a dashed slope when no compute peak is known', () => {
    const peaks = { ...CPU_PEAKS, flops: { f32: null } };
    const [, theoretical] = lineLayers(rooflineChart(rooflineOf('cpu0', [stream(40e9)], peaks)) as unknown as Spec);
    expect(theoretical!.data.values.map((l) => l.ceiling)).toEqual(['memory bandwidth theoretical', 'memory bandwidth theoretical']);
    expect(theoretical!.data.values.every((l) => Math.abs(l.flops - 50e9 * l.intensity) < 1e-3 * l.flops)).toBe(true);
  });

  it('render to SVG as dashed lines with their own legend', async () => {
    const svg = await renderSvg(rooflineChart(rooflineOf('cpu0', sample(), CPU_PEAKS))!);
    expect(svg).toContain('>theoretical ceiling</text>');
    expect(svg).toContain('>f32 theoretical</text>');
    expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(5);
    expect(svg.match(/stroke-dasharray="6,4"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('leave a device without peaks as it was: no dashed line', async () => {
    const svg = await renderSvg(rooflineChart(rooflineOf('cpu0', sample()))!);
    expect(svg).not.toContain('stroke-dasharray');
    expect(svg).not.toContain('theoretical');
  });
});
