import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/measure/result.js';
import { renderSvg } from '../../../src/report/charts/svg.js';
import { timelineChart, timelineSummary } from '../../../src/report/charts/timeline.js';
import { fullReport } from '../../fixtures/report.js';

/** The fixture's result (3 windows of 0.25 s every 0.3 s, a power series) with clocks and temperatures added. */
function sample(): Result {
  const r = fullReport().results[0]!;
  r.telemetry!.timeline.push(
    { quantity: 'clock', component: 'sm', unit: 'Hz', t: [0, 0.4, 0.8], v: [1.9e9, 1.8e9, 1.7e9] },
    { quantity: 'clock', component: 'memory', unit: 'Hz', t: [0, 0.4, 0.8], v: [9e9, 9e9, 9e9] },
    { quantity: 'temperature', unit: '°C', t: [0, 0.5], v: [60, 71] },
  );
  return r;
}

type Layer = { data: { values: Array<Record<string, unknown>> }; mark: { type: string } };
type Spec = { vconcat: Array<{ layer: Layer[] }> };

describe('timelineChart', () => {
  it('is null without windows', () => {
    const r = sample();
    r.windows = [];
    expect(timelineChart(r)).toBeNull();
  });

  it('is null without any telemetry series to draw', () => {
    const r = sample();
    r.telemetry = null;
    expect(timelineChart(r)).toBeNull();
    const s = sample();
    s.telemetry!.timeline = [{ quantity: 'energy', unit: 'J', t: [0], v: [1] }];
    expect(timelineChart(s)).toBeNull();
  });

  it('draws one panel per quantity present, each shading every window relative to the first', () => {
    const r = sample();
    const spec = timelineChart(r) as unknown as Spec;
    expect(spec.vconcat).toHaveLength(3);
    for (const panel of spec.vconcat) {
      const [shade, ...rest] = panel.layer as [Layer, ...Layer[]];
      expect(shade.mark.type).toBe('rect');
      // One rect per window, in seconds since the first window started.
      expect(shade.data.values).toHaveLength(3);
      for (const [i, w] of shade.data.values.entries()) {
        expect(w.window).toBe(i + 1);
        expect(w.start as number).toBeCloseTo(0.3 * i, 12);
        expect(w.end as number).toBeCloseTo(0.25 + 0.3 * i, 12);
        expect(w.throttled).toBeNull();
      }
      // No throttling: no red rule layer, only the series line.
      expect(rest.map((l) => l.mark.type)).toEqual(['line']);
    }
    const [power, clock, temperature] = spec.vconcat.map((p) => p.layer.at(-1)!.data.values);
    expect(power).toEqual([
      { t: 0, v: 19, series: 'power' },
      { t: 0.1, v: 20, series: 'power' },
      { t: 0.2, v: 21, series: 'power' },
    ]);
    expect(clock).toHaveLength(6);
    expect(new Set(clock!.map((p) => p.series))).toEqual(new Set(['sm', 'memory']));
    expect(clock).toContainEqual({ t: 0.8, v: 1.7e9, series: 'sm' });
    expect(temperature).toEqual([
      { t: 0, v: 60, series: 'temperature' },
      { t: 0.5, v: 71, series: 'temperature' },
    ]);
  });

  it('leaves out panels of quantities without samples', () => {
    const r = fullReport().results[0]!;
    const spec = timelineChart(r) as unknown as Spec;
    expect(spec.vconcat).toHaveLength(1);
  });

  it('marks the windows that saw throttling', () => {
    const r = sample();
    r.windows[1]!.throttleReasons = ['thermal', 'power-cap'];
    r.windows[2]!.throttleReasons = ['thermal'];
    const spec = timelineChart(r) as unknown as Spec;
    const [shade, rule] = spec.vconcat[0]!.layer as [Layer, Layer, Layer];
    expect(shade.data.values.map((w) => w.throttled)).toEqual([null, 'thermal, power-cap', 'thermal']);
    expect(rule.mark.type).toBe('rule');
    expect(rule.data.values.map((w) => w.window)).toEqual([2, 3]);
    expect(timelineSummary(r)).toBe('3 measurement windows shaded; 2 saw throttling (thermal, power-cap), marked in red');
  });

  it('says when no window saw throttling', () => {
    expect(timelineSummary(sample())).toBe('3 measurement windows shaded; none saw throttling');
  });

  it('renders to SVG with a shaded rect per window in each panel and the throttle rules', async () => {
    const r = sample();
    r.windows[0]!.throttleReasons = ['power-cap'];
    const svg = await renderSvg(timelineChart(r)!);
    expect(svg.startsWith('<svg')).toBe(true);
    // 3 windows × 3 panels.
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(9);
    // One throttled window: one red rule per panel.
    expect(svg.match(/aria-roledescription="rule mark"/g)).toHaveLength(3);
    expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(4);
    for (const title of ['power (W)', 'clock (Hz)', 'temperature (°C)']) expect(svg).toContain(`>${title}</text>`);
    expect(svg).toContain('stroke="#d32f2f"');
  });
});
