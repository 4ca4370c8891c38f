/**
 * A result's latency distribution from its HdrHistogram (every iteration):
 * the cumulative distribution and a histogram on logarithmic bins, with the
 * reported percentiles marked.
 */
import { LatencyHistogram } from '../../core/histogram.js';
import type { Result } from '../../measure/result.js';
import type { TopLevelSpec } from './svg.js';

/** Histogram bins per factor of 10 in latency: fine enough to show modes, coarse enough to fill. */
const BINS_PER_DECADE = 20;
/** Distinct CDF steps kept per factor of 10: smooth at chart size, a few hundred points at most. */
const CDF_STEPS_PER_DECADE = 100;

export interface LatencyPoint {
  /** Seconds. */
  latency: number;
  count: number;
  /** Fraction of iterations at or below this latency. */
  cumulative: number;
}

/** The histogram's recorded values with their cumulative fractions. */
export function latencyPoints(encoded: string): LatencyPoint[] {
  const entries = LatencyHistogram.entriesOf(encoded);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  let seen = 0;
  return entries.map(([latency, count]) => ({ latency, count, cumulative: (seen += count) / total }));
}

/** The cumulative distribution thinned to the last point of each 1/CDF_STEPS_PER_DECADE of a decade. */
export function thinCdf(points: readonly LatencyPoint[]): LatencyPoint[] {
  const out: LatencyPoint[] = [];
  let step = NaN;
  for (const p of points) {
    const k = Math.floor(Math.log10(p.latency) * CDF_STEPS_PER_DECADE);
    if (k === step) out[out.length - 1] = p;
    else out.push(p);
    step = k;
  }
  return out;
}

/** Counts on log-spaced bins: [lower, upper) seconds. */
export function logBins(points: readonly LatencyPoint[]): Array<{ lower: number; upper: number; count: number }> {
  const bins = new Map<number, number>();
  for (const p of points) {
    const k = Math.floor(Math.log10(p.latency) * BINS_PER_DECADE);
    bins.set(k, (bins.get(k) ?? 0) + p.count);
  }
  return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([k, count]) => ({ lower: 10 ** (k / BINS_PER_DECADE), upper: 10 ** ((k + 1) / BINS_PER_DECADE), count }));
}

const AXIS_SECONDS = { title: 'latency (s)', format: '~s' };

/** The chart; null without a latency summary, or when its histogram is empty or cannot be decoded. */
export function latencyChart(r: Result): TopLevelSpec | null {
  if (!r.latency) return null;
  // The schema only asks for a non-empty string: a report that is otherwise readable must still render without this chart.
  let points: LatencyPoint[];
  try {
    points = latencyPoints(r.latency.histogram);
  } catch {
    return null;
  }
  if (!points.length) return null;
  const marks = (['p50', 'p90', 'p99', 'p999'] as const).map((p) => ({ percentile: p === 'p999' ? 'p99.9' : p, latency: r.latency![p] }));
  const scale = { type: 'log' };
  return {
    hconcat: [
      {
        title: 'cumulative distribution',
        width: 320,
        height: 180,
        layer: [
          { data: { values: thinCdf(points) }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x: { field: 'latency', type: 'quantitative', scale, axis: AXIS_SECONDS }, y: { field: 'cumulative', type: 'quantitative', title: 'fraction of iterations', axis: { format: '%' } } } },
          {
            data: { values: marks },
            layer: [
              { mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { field: 'latency', type: 'quantitative' } } },
              { mark: { type: 'text', angle: 270, align: 'left', dx: 4, dy: -4, fontSize: 10, color: '#555' }, encoding: { x: { field: 'latency', type: 'quantitative' }, y: { value: 176 }, text: { field: 'percentile' } } },
            ],
          },
        ],
      },
      {
        title: 'histogram',
        width: 320,
        height: 180,
        data: { values: logBins(points) },
        mark: { type: 'bar', color: '#4e79a7' },
        encoding: { x: { field: 'lower', type: 'quantitative', scale, axis: AXIS_SECONDS }, x2: { field: 'upper' }, y: { field: 'count', type: 'quantitative', title: 'iterations' } },
      },
    ],
  } as TopLevelSpec;
}
