/**
 * Power, clocks and temperature over a result's measurement, with each
 * measurement window shaded and windows that saw throttling marked.
 */
import type { Result } from '../../measure/result.js';
import type { TopLevelSpec } from './svg.js';

/** The quantities drawn, top to bottom, with their axis titles. */
const PANELS: ReadonlyArray<{ quantity: string; title: string; format: string }> = [
  { quantity: 'power', title: 'power (W)', format: '~s' },
  { quantity: 'clock', title: 'clock (Hz)', format: '~s' },
  { quantity: 'temperature', title: 'temperature (°C)', format: '~r' },
];

export function timelineChart(r: Result): TopLevelSpec | null {
  const series = r.telemetry?.timeline ?? [];
  const first = r.windows[0];
  if (!first) return null;
  const windows = r.windows.map((w, i) => ({
    window: i + 1,
    start: (w.startNs - first.startNs) / 1e9,
    end: (w.endNs - first.startNs) / 1e9,
    throttled: w.throttleReasons.length ? w.throttleReasons.join(', ') : null,
  }));
  const throttled = windows.filter((w) => w.throttled);
  const panels = PANELS.flatMap(({ quantity, title, format }) => {
    const points = series
      .filter((s) => s.quantity === quantity)
      .flatMap((s) => s.t.map((t, i) => ({ t, v: s.v[i]!, series: s.component ?? quantity })));
    if (!points.length) return [];
    return [
      {
        width: 680,
        height: 120,
        layer: [
          { data: { values: windows }, mark: { type: 'rect', color: '#4e79a7', opacity: 0.1 }, encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } } },
          ...(throttled.length
            ? [{ data: { values: throttled }, mark: { type: 'rule', color: '#d32f2f', strokeWidth: 2 }, encoding: { x: { field: 'start', type: 'quantitative' } } }]
            : []),
          { data: { values: points }, mark: { type: 'line', interpolate: 'linear' }, encoding: { x: { field: 't', type: 'quantitative', title: 'seconds since the first window' }, y: { field: 'v', type: 'quantitative', title, scale: { zero: false }, axis: { format } }, color: { field: 'series', type: 'nominal', title: null, legend: null } } },
        ],
      },
    ];
  });
  if (!panels.length) return null;
  return { vconcat: panels, resolve: { scale: { color: 'independent' } } } as TopLevelSpec;
}

/** What the timeline shows, in words (for the chart's text alternative and the printed views). */
export function timelineSummary(r: Result): string {
  const throttled = r.windows.filter((w) => w.throttleReasons.length);
  const reasons = [...new Set(throttled.flatMap((w) => w.throttleReasons))];
  return `${r.windows.length} measurement windows shaded; ${throttled.length ? `${throttled.length} saw throttling (${reasons.join(', ')}), marked in red` : 'none saw throttling'}`;
}
