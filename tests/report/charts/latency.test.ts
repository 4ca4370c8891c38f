import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/core/histogram.js';
import type { Result } from '../../../src/measure/result.js';
import { latencyChart, latencyPoints, logBins, thinCdf, type LatencyPoint } from '../../../src/report/charts/latency.js';
import { renderSvg } from '../../../src/report/charts/svg.js';
import { fullReport } from '../../fixtures/report.js';

/** 1000 iterations of 10 µs and 10 of 1 ms. */
function bimodal(): LatencyHistogram {
  const h = new LatencyHistogram();
  for (let i = 0; i < 1000; i++) h.recordSeconds(10e-6);
  for (let i = 0; i < 10; i++) h.recordSeconds(1e-3);
  return h;
}

/** 5000 distinct-ish values spread over more than two decades (1 µs … 186 µs). */
function spread(): LatencyHistogram {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 5000; i++) h.recordNs(1000 + i * 37);
  return h;
}

function encoded(h: LatencyHistogram): string {
  try {
    return h.encode();
  } finally {
    h.destroy();
  }
}

function resultWithHistogram(h: LatencyHistogram): Result {
  const stats = h.stats()!;
  const r = fullReport().results[0]!;
  r.latency = { ...r.latency!, ...stats, histogram: encoded(h) };
  return r;
}

function expectCdf(points: readonly LatencyPoint[], total: number): void {
  expect(points.length).toBeGreaterThan(0);
  expect(points.reduce((s, p) => s + p.count, 0)).toBe(total);
  // Plain loops (thousands of points): the indices where latency or the cumulative fraction fails to rise.
  const unordered = points.flatMap((p, i) => (i > 0 && !(p.latency > points[i - 1]!.latency) ? [i] : []));
  const decreasing = points.flatMap((p, i) => (i > 0 && !(p.cumulative >= points[i - 1]!.cumulative) ? [i] : []));
  expect(unordered).toEqual([]);
  expect(decreasing).toEqual([]);
  expect(points.at(-1)!.cumulative).toBe(1);
}

describe('latencyPoints', () => {
  it('gives each recorded value with its count and a cumulative fraction reaching exactly 1', () => {
    const points = latencyPoints(encoded(bimodal()));
    expect(points).toHaveLength(2);
    expectCdf(points, 1010);
    const [fast, slow] = points as [LatencyPoint, LatencyPoint];
    // HdrHistogram keeps 3 significant digits: each value within 0.1 % of what was recorded.
    expect(Math.abs(fast.latency / 10e-6 - 1)).toBeLessThan(1e-3);
    expect(fast.count).toBe(1000);
    expect(fast.cumulative).toBeCloseTo(1000 / 1010, 12);
    expect(Math.abs(slow.latency / 1e-3 - 1)).toBeLessThan(1e-3);
    expect(slow.count).toBe(10);
  });

  it('keeps every iteration of a wide distribution, in increasing order', () => {
    const points = latencyPoints(encoded(spread()));
    expectCdf(points, 5000);
    expect(points[0]!.latency).toBeGreaterThanOrEqual(1.037e-6 * 0.999);
    expect(points.at(-1)!.latency).toBeLessThanOrEqual(186e-6 * 1.001);
  });

  it('gives nothing for an empty histogram', () => {
    expect(latencyPoints(encoded(new LatencyHistogram()))).toEqual([]);
  });
});

describe('logBins', () => {
  it('puts each mode in its own bin of a twentieth of a decade, counts summing to the total', () => {
    const bins = logBins(latencyPoints(encoded(bimodal())));
    expect(bins).toHaveLength(2);
    expect(bins.map((b) => b.count)).toEqual([1000, 10]);
    expect(bins[0]!.lower).toBeCloseTo(1e-5, 15);
    expect(bins[0]!.upper).toBeCloseTo(10 ** (-99 / 20), 15);
    expect(bins[1]!.lower).toBeCloseTo(1e-3, 15);
    expect(bins[1]!.upper).toBeCloseTo(10 ** (-59 / 20), 15);
  });

  it('bins a wide distribution on contiguous, increasing bins of 20 per decade holding every point', () => {
    const points = latencyPoints(encoded(spread()));
    const bins = logBins(points);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(5000);
    // 1.04 µs … 186 µs spans log10 −5.98 … −3.73: bins −120 … −75 (in twentieths of a decade), every one filled.
    expect(bins).toHaveLength(46);
    for (const [i, b] of bins.entries()) {
      expect(Math.log10(b.upper / b.lower)).toBeCloseTo(1 / 20, 10);
      // Bin edges sit on the 20-per-decade grid.
      const k = Math.log10(b.lower) * 20;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
      if (i > 0) expect(b.lower).toBeCloseTo(bins[i - 1]!.upper, 15);
      expect(b.count).toBeGreaterThan(0);
    }
    const homeless = points.filter((p) => !bins.some((b) => p.latency >= b.lower * (1 - 1e-12) && p.latency < b.upper * (1 + 1e-12)));
    expect(homeless).toEqual([]);
  });
});

describe('thinCdf', () => {
  it('keeps at most 100 points per decade, the last point of each step, and the final point', () => {
    const points = latencyPoints(encoded(spread()));
    expect(points.length).toBeGreaterThan(3000);
    const thin = thinCdf(points);
    expect(thin.length).toBeLessThan(points.length / 10);
    expectCdf(thin, thin.reduce((s, p) => s + p.count, 0));
    expect(thin.at(-1)).toEqual(points.at(-1));
    const perDecade = new Map<number, number>();
    for (const p of thin) {
      const d = Math.floor(Math.log10(p.latency));
      perDecade.set(d, (perDecade.get(d) ?? 0) + 1);
    }
    for (const n of perDecade.values()) expect(n).toBeLessThanOrEqual(100);
    // Thinning keeps points of the original (not interpolated ones), one per hundredth of a decade.
    const steps = thin.map((p) => Math.floor(Math.log10(p.latency) * 100));
    expect(new Set(steps).size).toBe(thin.length);
    const index = new Map(points.map((p, i) => [p.latency, i]));
    const step = (p: LatencyPoint): number => Math.floor(Math.log10(p.latency) * 100);
    // Each kept point is an original one, and the last of its step: the next original point is in a later step.
    const notOriginal = thin.filter((p) => points[index.get(p.latency) ?? -1] !== p);
    const notLast = thin.filter((p) => {
      const next = points[index.get(p.latency)! + 1];
      return next !== undefined && step(next) === step(p);
    });
    expect(notOriginal).toEqual([]);
    expect(notLast).toEqual([]);
  });

  it('leaves a sparse distribution as it is', () => {
    const points = latencyPoints(encoded(bimodal()));
    expect(thinCdf(points)).toEqual(points);
    expect(thinCdf([])).toEqual([]);
  });
});

describe('latencyChart', () => {
  it('is null without a latency summary', () => {
    const r = fullReport().results[0]!;
    r.latency = null;
    expect(latencyChart(r)).toBeNull();
  });

  it('is null when the histogram is empty or cannot be decoded (the rest of the report still renders)', () => {
    const r = fullReport().results[0]!;
    // A truncated encoding (the schema only asks for a non-empty string).
    r.latency!.histogram = 'HISTFAAAABx4nJNpmSzMwMDAxAABzFCaEUzLf4AIAEFTAxk=';
    expect(() => latencyPoints(r.latency!.histogram)).toThrow();
    expect(latencyChart(r)).toBeNull();
    r.latency!.histogram = 'not a histogram';
    expect(latencyChart(r)).toBeNull();
    r.latency!.histogram = encoded(new LatencyHistogram());
    expect(latencyChart(r)).toBeNull();
  });

  it('draws the thinned CDF, the log bins and the four percentiles', () => {
    const h = bimodal();
    const stats = h.stats()!;
    const r = resultWithHistogram(h);
    const spec = latencyChart(r) as unknown as {
      hconcat: [{ layer: [{ data: { values: LatencyPoint[] } }, { data: { values: Array<{ percentile: string; latency: number }> } }] }, { data: { values: unknown[] } }];
    };
    expect(spec).not.toBeNull();
    const points = latencyPoints(r.latency!.histogram);
    expect(spec.hconcat[0].layer[0].data.values).toEqual(thinCdf(points));
    expect(spec.hconcat[0].layer[1].data.values).toEqual([
      { percentile: 'p50', latency: stats.p50 },
      { percentile: 'p90', latency: stats.p90 },
      { percentile: 'p99', latency: stats.p99 },
      { percentile: 'p99.9', latency: stats.p999 },
    ]);
    expect(spec.hconcat[1].data.values).toEqual(logBins(points));
  });

  it('renders to an SVG with the CDF line, one bar per bin and the percentile labels', async () => {
    const r = resultWithHistogram(bimodal());
    const svg = await renderSvg(latencyChart(r)!);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('mark-line role-mark');
    expect(svg).toContain('mark-rect role-mark');
    expect(svg).toMatch(/<path[^>]*aria-roledescription="line mark"/);
    expect(svg.match(/aria-roledescription="bar"/g)).toHaveLength(2);
    for (const p of ['p50', 'p90', 'p99', 'p99.9']) expect(svg).toContain(`>${p}</text>`);
    expect(svg).toContain('>cumulative distribution</text>');
    expect(svg).toContain('>histogram</text>');
  });
});
