/**
 * Work per joule across backends and devices, with the 95 % interval as an
 * error bar, one panel per probe and unit (FLOP/J, byte/J and item/J do not
 * share an axis).
 */
import { paramsLabel } from '../../core/probe.js';
import type { Result } from '../../measure/result.js';
import type { TopLevelSpec } from './svg.js';

export interface EfficiencyPoint {
  probe: string;
  unit: string;
  /** "cuda0 gemm dtype=bf16 n=8192" */
  label: string;
  /** Backend and device, e.g. "cuda/cuda0". */
  where: string;
  value: number;
  low: number;
  high: number;
}

export function efficiencyPoints(results: readonly Result[], extraLabel: (r: Result) => string = () => ''): EfficiencyPoint[] {
  return results
    .filter((r) => r.status === 'completed' && r.efficiency)
    .map((r) => ({
      probe: r.probe,
      unit: r.efficiency!.unit,
      label: `${extraLabel(r)}${r.device} ${paramsLabel(r.params, ' ')}`.trim(),
      where: `${r.backend}/${r.device}`,
      value: r.efficiency!.value,
      low: r.efficiency!.ci95[0],
      high: r.efficiency!.ci95[1],
    }));
}

export function efficiencyChart(points: readonly EfficiencyPoint[]): TopLevelSpec | null {
  if (!points.length) return null;
  const groups = [...new Set(points.map((p) => `${p.probe} (${p.unit})`))];
  return {
    vconcat: groups.map((g) => {
      const values = points.filter((p) => `${p.probe} (${p.unit})` === g);
      return {
        title: g,
        width: 420,
        height: { step: 18 },
        data: { values },
        encoding: { y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 300 } } },
        layer: [
          { mark: { type: 'bar', opacity: 0.85 }, encoding: { x: { field: 'value', type: 'quantitative', title: values[0]!.unit, axis: { format: '~s' } }, color: { field: 'where', type: 'nominal', title: 'backend/device' } } },
          { mark: { type: 'errorbar', ticks: true, color: '#222' }, encoding: { x: { field: 'low', type: 'quantitative', title: null }, x2: { field: 'high' } } },
        ],
      };
    }),
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}
