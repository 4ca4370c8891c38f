import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import type { Family, HistogramSample, Sample } from '../../src/exporter/family.js';
import { Exposition } from '../../src/exporter/registry.js';
import { latencyBuckets, latencyHistogram, resultFamilies } from '../../src/exporter/result-metrics.js';
import { parseOverride } from '../../src/measure/plan.js';
import type { Result } from '../../src/measure/result.js';
import { runSuite } from '../../src/measure/suite.js';
import { findProbe } from '../../probes/index.js';
import { liveRapl, removeDir, requireComponent, tempDir } from '../helpers.js';
import { hasCommand, promtoolCheck } from './prometheus-tools.js';

describe('latencyBuckets', () => {
  it('puts bounds on a fixed grid of powers of √2 seconds, one step beyond the range at each end', () => {
    const b = latencyBuckets(3e-6, 40e-6);
    expect(b[0]).toBeLessThan(3e-6);
    expect(b[1]).toBeGreaterThanOrEqual(3e-6 / Math.SQRT2);
    expect(b.at(-1)).toBeGreaterThan(40e-6);
    expect(b.at(-2)).toBeLessThanOrEqual(40e-6 * Math.SQRT2);
    for (let i = 1; i < b.length; i++) expect(b[i]! / b[i - 1]!).toBeCloseTo(Math.SQRT2, 4);
    // The grid is shared: another range's bounds coincide where they overlap.
    const c = latencyBuckets(10e-6, 20e-6);
    for (const x of c) expect(b.some((y) => y === x)).toBe(true);
  });

  it('covers a single value', () => {
    const b = latencyBuckets(1e-3, 1e-3);
    expect(b.length).toBeLessThanOrEqual(4);
    expect(b[0]).toBeLessThan(1e-3);
    expect(b.at(-1)).toBeGreaterThan(1e-3);
    // On the grid itself: one bound at the value and one step either side.
    expect(latencyBuckets(2 ** -10, 2 ** -10)).toEqual([2 ** -10.5, 2 ** -10, 2 ** -9.5].map((x) => Number(x.toPrecision(6))));
  });
});

describe('resultFamilies from a real run', () => {
  let results: Result[] = [];
  let root = '';
  let rapl: { stop: () => void };

  beforeAll(async () => {
    root = tempDir('rapl-');
    rapl = await liveRapl(root, 40);
    const outcome = await runSuite({
      backends: [cpuBackend],
      explicitBackends: true,
      probes: [findProbe('reduce')!, findProbe('launch-latency')!],
      preset: 'quick',
      overrides: [parseOverride('reduce.n=2^20')],
      threads: 2,
      seed: 7,
      fixedWindows: 3,
      telemetry: true,
      powercapRoot: root,
      signal: new AbortController().signal,
    });
    results = outcome.results;
  });
  afterAll(() => {
    rapl.stop();
    removeDir(root);
  });

  const find = (fs: Family[], name: string): Family => {
    const f = fs.find((x) => x.name === name);
    if (!f) throw new Error(`no family ${name} in ${fs.map((x) => x.name).join(', ')}`);
    return f;
  };

  it('exposes throughput, work per joule and energy per unit with 95 % bounds around them, labelled by device, backend, probe and parameters', () => {
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed']);
    const fs = resultFamilies(results.map((result) => ({ result, at: 1_700_000_000_000 })));
    const reduce = results[0]!;
    const t = find(fs, 'flopmeter_probe_throughput_bytes_per_second').samples as Sample[];
    expect(t).toHaveLength(1);
    expect(t[0]!.labels).toEqual({ device: reduce.device, backend: 'cpu', probe: 'reduce', n: String(2 ** 20) });
    expect(t[0]!.value).toBe(reduce.throughput!.value);
    const low = (find(fs, 'flopmeter_probe_throughput_bytes_per_second_ci95_low').samples as Sample[])[0]!.value;
    const high = (find(fs, 'flopmeter_probe_throughput_bytes_per_second_ci95_high').samples as Sample[])[0]!.value;
    expect(low).toBeLessThanOrEqual(t[0]!.value);
    expect(high).toBeGreaterThanOrEqual(t[0]!.value);
    const eff = (find(fs, 'flopmeter_probe_efficiency_bytes_per_joule').samples as Sample[])[0]!.value;
    // The RAPL fixture draws 40 W.
    expect(eff).toBeCloseTo(t[0]!.value / 40, -Math.log10(eff) + 1);
    const perByte = (find(fs, 'flopmeter_probe_energy_joules_per_byte').samples as Sample[])[0]!.value;
    expect(perByte * eff).toBeCloseTo(1, 12);
    expect((find(fs, 'flopmeter_probe_power_watts').samples as Sample[])[0]!.value).toBeCloseTo(40, 0);
    expect((find(fs, 'flopmeter_probe_timestamp_seconds').samples as Sample[])[0]!.value).toBe(1_700_000_000);
    const info = find(fs, 'flopmeter_probe_info').samples as Sample[];
    expect(info.map((s) => s.labels.status)).toEqual(['completed', 'completed']);
    expect(info[0]!.labels.definition_hash).toBe(reduce.definitionHash);
    expect(info[0]!.labels.engine).toBe(reduce.engine);
  });

  it('exposes latency as a histogram consistent with the exact percentiles', () => {
    const r = results[1]!;
    const h = latencyHistogram(r)!;
    expect(h.count).toBe(r.latency!.count);
    expect(h.sum).toBeCloseTo(r.latency!.mean * r.latency!.count, 9);
    const counts = h.buckets.map(([, c]) => c);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBe(h.count);
    expect(counts[0]).toBe(0);
    // The bucket holding p50 holds at least half of the iterations, the one below it at most half.
    const at = (seconds: number): number => h.buckets.findIndex(([le]) => le >= seconds);
    const i50 = at(r.latency!.p50);
    expect(h.buckets[i50]![1]).toBeGreaterThanOrEqual(h.count * 0.5);
    if (i50 > 0) expect(h.buckets[i50 - 1]![1]).toBeLessThanOrEqual(h.count * 0.5 + 1);
    const fs = resultFamilies([{ result: r, at: Date.now() }]);
    const hist = find(fs, 'flopmeter_probe_latency_seconds');
    expect((hist.samples[0] as HistogramSample).labels.probe).toBe('launch-latency');
    const pct = find(fs, 'flopmeter_probe_latency_percentile_seconds').samples as Sample[];
    expect(pct.map((s) => s.labels.percentile)).toEqual(['50', '90', '99', '99.9']);
    expect(pct[2]!.value).toBe(r.latency!.p99);
  });

  it('gives every histogram of an exporter the same top bucket, so that a sum by le stays cumulative', () => {
    const fs = resultFamilies(results.map((result) => ({ result, at: Date.now() })));
    const hs = find(fs, 'flopmeter_probe_latency_seconds').samples as HistogramSample[];
    expect(hs.length).toBe(2);
    // The results' own ranges differ (reduce is slower than launch-latency) ...
    expect(results[0]!.latency!.max).not.toBeCloseTo(results[1]!.latency!.max, 6);
    // ... yet both histograms end at the same bound, as `sum by (le)` needs.
    expect(hs[0]!.buckets.at(-1)![0]).toBe(hs[1]!.buckets.at(-1)![0]);
    const sum = new Map<number, number>();
    for (const h of hs) for (const [le, c] of h.buckets) sum.set(le, (sum.get(le) ?? 0) + c);
    const counts = [...sum.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
    expect(counts.at(-1)).toBe(hs[0]!.count + hs[1]!.count);
  });

  it('keeps an unsuccessful result as info only, without figures', () => {
    const failed = { ...results[0]!, status: 'invalid' as const };
    const fs = resultFamilies([{ result: failed, at: Date.now() }]);
    expect((find(fs, 'flopmeter_probe_info').samples[0] as Sample).labels.status).toBe('invalid');
    expect(fs.find((f) => f.name === 'flopmeter_probe_throughput_bytes_per_second')).toBeUndefined();
  });

  it('renders to an exposition promtool accepts', async (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const e = new Exposition(() => resultFamilies(results.map((result) => ({ result, at: Date.now() }))), { processMetrics: false });
    const r = promtoolCheck((await e.render('prometheus')).body);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });
});
