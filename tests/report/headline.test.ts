import { describe, expect, it } from 'vitest';
import { headlineOf, type HeadlineFigure } from '../../src/report/headline.js';
import { HEADLINE_COLUMNS, headlineRows, headlineTitle, peakSources } from '../../src/report/headline-table.js';
import { headlineReport, headlineResults } from '../fixtures/headline-report.js';

/** The fixture's relative expanded uncertainty: t(0.975, 9) × 0.5 % (budgetOf(0.005, 9)). */
const U = 2.262157 * 0.005;

const byLabel = (figures: HeadlineFigure[]): Map<string, HeadlineFigure> => new Map(figures.map((f) => [f.label, f]));

describe('headlineOf', () => {
  const [cpu, gpu, ...rest] = headlineOf(headlineReport());

  it('has one headline per device with a completed result, in the report’s device order', () => {
    expect([cpu!.device, gpu!.device]).toEqual(['cpu0', 'webgpu0']);
    // cuda0 has no result at all.
    expect(rest).toEqual([]);
    expect(cpu!.name).toBe('Some CPU');
    expect(gpu!.backend).toBe('webgpu');
  });

  it('takes the best fma-peak or gemm result per precision as its compute figure, highest first, with its fraction of the peak', () => {
    const compute = cpu!.figures.filter((f) => f.kind === 'compute');
    expect(compute.map((f) => [f.label, f.from.row, f.estimate.value])).toEqual([
      // gemm (320 GFLOP/s) beats fma-peak (300) for f32; the errored gemm at 1 PFLOP/s (row 8) counts for nothing.
      ['compute f32', 4, 320e9],
      ['compute f64', 5, 100e9],
      ['compute f16', 6, 10e9],
    ]);
    const f32 = compute[0]!;
    expect(f32.estimate.unit).toBe('FLOP/s');
    expect(f32.from).toEqual({ id: 'cpu0/gemm/dtype=f32,n=256', probe: 'gemm', row: 4 });
    // 320 / 400 = 0.8, its interval the estimate's: 0.8 × (1 ± U).
    expect(f32.ofPeak!.fraction).toBeCloseTo(0.8, 12);
    expect(f32.ofPeak!.peak).toBe(400e9);
    expect(f32.ofPeak!.ci95[0]).toBeCloseTo(0.8 * (1 - U), 5);
    expect(f32.ofPeak!.ci95[1]).toBeCloseTo(0.8 * (1 + U), 5);
    expect(compute[1]!.ofPeak!.fraction).toBeCloseTo(0.5, 12);
    // f16's peak is unknown (null): no fraction.
    expect(compute[2]!.ofPeak).toBeNull();
  });

  it('takes the best stream result as the memory bandwidth (not reduce), against the memory peak', () => {
    const bw = byLabel(cpu!.figures).get('memory bandwidth')!;
    expect(bw.from.row).toBe(2);
    expect(bw.estimate.value).toBe(45e9);
    expect(bw.estimate.unit).toBe('byte/s');
    expect(bw.ofPeak!.fraction).toBeCloseTo(45 / 50, 12);
  });

  it('gives the launch latency as the mean round trip, 1 / throughput, its interval inverted', () => {
    const launch = byLabel(cpu!.figures).get('launch latency (mean)')!;
    expect(launch.from).toEqual({ id: 'cpu0/launch-latency/', probe: 'launch-latency', row: 7 });
    expect(launch.estimate.unit).toBe('s');
    // 50 000 launches/s: 20 µs, from 1 / (50 000 (1 + U)) to 1 / (50 000 (1 − U)).
    expect(launch.estimate.value).toBeCloseTo(20e-6, 15);
    expect(launch.estimate.ci95[0]).toBeCloseTo(20e-6 / (1 + U), 10);
    expect(launch.estimate.ci95[1]).toBeCloseTo(20e-6 / (1 - U), 10);
    expect(launch.ofPeak).toBeNull();
  });

  it('leaves the launch latency without an upper bound when the rate’s interval reaches zero', () => {
    const results = headlineResults();
    results[6]!.throughput = { ...results[6]!.throughput!, ci95: [-1000, 101e3] };
    const launch = byLabel(headlineOf(headlineReport(results))[0]!.figures).get('launch latency (mean)')!;
    expect(launch.estimate.ci95).toEqual([1 / 101e3, Infinity]);
    expect(headlineRows(headlineOf(headlineReport(results))[0]!).find((r) => r[0] === 'launch latency (mean)')![1]).toBe('20.00 µs (interval unbounded)');
  });

  it('gives the best work per joule of each unit, with its interval and no fraction', () => {
    const efficiency = cpu!.figures.filter((f) => f.kind === 'work per joule');
    expect(efficiency.map((f) => [f.label, f.from.row, f.estimate.value, f.estimate.unit])).toEqual([
      ['work per joule (byte)', 1, 0.5e9, 'byte/J'],
      ['work per joule (FLOP)', 4, 6e9, 'FLOP/J'],
    ]);
    expect(efficiency.every((f) => f.ofPeak === null && f.estimate.ci95[0] < f.estimate.value && f.estimate.ci95[1] > f.estimate.value)).toBe(true);
  });

  it('states no fraction for a device without theoretical peaks', () => {
    expect(gpu!.peaks).toBeNull();
    expect(gpu!.figures.map((f) => [f.label, f.from.row, f.ofPeak])).toEqual([['compute f32', 10, null]]);
  });

  it('is empty for a report without completed results', () => {
    const failed = headlineResults().map((r) => ({ ...r, status: 'errored' as const, throughput: null }));
    expect(headlineOf(headlineReport(failed))).toEqual([]);
  });
});

describe('headlineRows', () => {
  it('prints each figure with its interval, its fraction of the peak and the row it came from', () => {
    const [cpu, gpu] = headlineOf(headlineReport());
    expect(HEADLINE_COLUMNS.map((c) => c.header)).toEqual(['figure', 'value (95 %)', 'of theoretical peak', 'from']);
    expect(headlineTitle(cpu!)).toBe('cpu0: Some CPU (cpu)');
    // U = 1.131 %: the f32 fraction 80 % runs from 79.1 % to 80.9 %.
    expect(headlineRows(cpu!)).toEqual([
      ['compute f32', '320.0 GFLOP/s ±1.1 %', '80.0 % (79.1–80.9 %) of 400.0 GFLOP/s', '#4 gemm'],
      ['compute f64', '100.0 GFLOP/s ±1.1 %', '50.0 % (49.4–50.6 %) of 200.0 GFLOP/s', '#5 gemm'],
      ['compute f16', '10.00 GFLOP/s ±1.1 %', 'unknown', '#6 fma-peak'],
      ['memory bandwidth', '45.00 Gbyte/s ±1.1 %', '90.0 % (89.0–91.0 %) of 50.00 Gbyte/s', '#2 stream'],
      ['launch latency (mean)', '20.00 µs ±1.1 %', '', '#7 launch-latency'],
      ['work per joule (byte)', '500.0 Mbyte/J ±1.1 %', '', '#1 stream'],
      ['work per joule (FLOP)', '6.000 GFLOP/J ±1.1 %', '', '#4 gemm'],
    ]);
    // No peaks stated at all: a dash, not "unknown".
    expect(headlineRows(gpu!)).toEqual([['compute f32', '2.000 TFLOP/s ±1.1 %', '—', '#10 gemm']]);
  });

  it('lists where the peaks came from and why one is unknown', () => {
    const [cpu, gpu] = headlineOf(headlineReport());
    expect(peakSources(cpu!)).toEqual([
      'theoretical peak: f32: 4 cores × 3.125 GHz × 16 lanes × 2 FMA units × 2 (/proc/cpuinfo: avx512f)',
      'theoretical peak: memory: 2 channels × 3200 MT/s × 8 bytes (dmi type 17)',
      'theoretical peak: f16: no native float16 arithmetic on this microarchitecture',
    ]);
    expect(peakSources(gpu!)).toEqual([]);
  });
});
