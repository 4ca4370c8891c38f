import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/measure/result.js';
import { efficiencyChart, efficiencyPoints, type EfficiencyPoint } from '../../../src/report/charts/efficiency.js';
import { renderSvg } from '../../../src/report/charts/svg.js';
import { resultWith } from '../../fixtures/report.js';

function onCuda(r: Result): Result {
  return { ...r, backend: 'cuda', device: 'cuda0', id: r.id.replace(/^cpu0\//, 'cuda0/') };
}

function sample(): Result[] {
  const gemmCpu = resultWith({ probe: 'gemm', params: { n: 256, dtype: 'f32' }, throughput: 4e9, relA: 0.01, efficiency: 2e8 });
  const gemmCuda = onCuda(resultWith({ probe: 'gemm', params: { n: 8192, dtype: 'bf16' }, throughput: 4e14, relA: 0.002, efficiency: 1.2e12, efficiencyTypeB: [0.03] }));
  const stream = resultWith({ probe: 'stream', params: { op: 'triad' }, throughput: 2e11, relA: 0.01, efficiency: 3e9 });
  stream.efficiency = { ...stream.efficiency!, unit: 'byte/J' };
  const errored = resultWith({ probe: 'gemm', params: { n: 512, dtype: 'f32' }, throughput: 5e9, relA: 0.01, efficiency: 9e9 });
  errored.status = 'errored';
  const noPower = resultWith({ probe: 'gemm', params: { n: 1024, dtype: 'f32' }, throughput: 5e9, relA: 0.01 });
  noPower.efficiency = null;
  return [gemmCpu, stream, errored, noPower, gemmCuda];
}

describe('efficiencyPoints', () => {
  it('gives one point per completed result with an efficiency, with its 95 % interval', () => {
    const results = sample();
    const points = efficiencyPoints(results);
    expect(points.map((p) => p.label)).toEqual(['cpu0 n=256 dtype=f32', 'cpu0 op=triad', 'cuda0 n=8192 dtype=bf16']);
    const [gemmCpu, stream, gemmCuda] = points as [EfficiencyPoint, EfficiencyPoint, EfficiencyPoint];
    expect(gemmCpu).toEqual({ probe: 'gemm', unit: 'FLOP/J', label: 'cpu0 n=256 dtype=f32', where: 'cpu/cpu0', value: 2e8, low: results[0]!.efficiency!.ci95[0], high: results[0]!.efficiency!.ci95[1] });
    // resultWith: interval = value × (1 ± relExpanded), relExpanded = k·u with 9 degrees of freedom (k = 2.262).
    expect(gemmCpu.low).toBeCloseTo(2e8 * (1 - 2.2622 * 0.01), -3);
    expect(gemmCpu.high).toBeCloseTo(2e8 * (1 + 2.2622 * 0.01), -3);
    expect(stream).toMatchObject({ probe: 'stream', unit: 'byte/J', where: 'cpu/cpu0', value: 3e9 });
    expect(gemmCuda).toMatchObject({ probe: 'gemm', unit: 'FLOP/J', where: 'cuda/cuda0', value: 1.2e12 });
    // The type B term widens the efficiency interval beyond the throughput's.
    const u = Math.hypot(0.002, 0.03);
    expect(gemmCuda.high / gemmCuda.value - 1).toBeGreaterThan(1.96 * u * 0.999);
    expect(gemmCuda.low).toBeLessThan(gemmCuda.value);
    for (const p of points) {
      expect(p.low).toBeLessThan(p.value);
      expect(p.high).toBeGreaterThan(p.value);
    }
  });

  it('prefixes the label with the extra label (a report name in a comparison)', () => {
    const points = efficiencyPoints(sample(), (r) => (r.backend === 'cuda' ? 'B: ' : 'A: '));
    expect(points.map((p) => p.label)).toEqual(['A: cpu0 n=256 dtype=f32', 'A: cpu0 op=triad', 'B: cuda0 n=8192 dtype=bf16']);
  });

  it('gives nothing for results without efficiency', () => {
    const results = sample().filter((r) => r.status !== 'completed' || !r.efficiency);
    expect(results).toHaveLength(2);
    expect(efficiencyPoints(results)).toEqual([]);
  });
});

type Panel = { title: string; data: { values: EfficiencyPoint[] }; layer: Array<{ mark: { type: string }; encoding: { x: { field: string; title: string | null } } }> };

describe('efficiencyChart', () => {
  it('is null without points', () => {
    expect(efficiencyChart([])).toBeNull();
  });

  it('has one panel per probe and unit, bars with error bars from low to high', () => {
    const points = efficiencyPoints(sample());
    const spec = efficiencyChart(points) as unknown as { vconcat: Panel[]; resolve: unknown };
    expect(spec.vconcat.map((p) => p.title)).toEqual(['gemm (FLOP/J)', 'stream (byte/J)']);
    expect(spec.vconcat[0]!.data.values).toEqual([points[0], points[2]]);
    expect(spec.vconcat[1]!.data.values).toEqual([points[1]]);
    const [bar, err] = spec.vconcat[0]!.layer as [Panel['layer'][number], Panel['layer'][number]];
    expect(bar.mark.type).toBe('bar');
    expect(bar.encoding.x).toMatchObject({ field: 'value', title: 'FLOP/J' });
    expect(err.mark.type).toBe('errorbar');
    expect(err.encoding).toMatchObject({ x: { field: 'low' }, x2: { field: 'high' } });
    expect(spec.vconcat[1]!.layer[0]!.encoding.x.title).toBe('byte/J');
    // FLOP/J and byte/J do not share an axis.
    expect(spec.resolve).toEqual({ scale: { x: 'independent' } });
  });

  it('renders to SVG with a bar and an error bar per point', async () => {
    const points = efficiencyPoints(sample());
    const svg = await renderSvg(efficiencyChart(points)!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>gemm (FLOP/J)</text>');
    expect(svg).toContain('>stream (byte/J)</text>');
    for (const p of points) expect(svg).toContain(`>${p.label}</text>`);
    expect(svg).toContain('>cuda/cuda0</text>');
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(points.length);
    expect(svg.match(/aria-roledescription="errorbar"/g)).toHaveLength(points.length);
    // The error bar of the CPU gemm spans its interval.
    expect(svg).toMatch(new RegExp(`aria-label="lower_low: ${points[0]!.low.toFixed(3)}; label: cpu0 n=256 dtype=f32`));
  });
});
