/**
 * Vega-Lite specifications rendered to standalone SVG in Node.js, without a
 * browser or a canvas: the charts of the HTML report and the dashboard
 * previews are computed at report time and embedded as markup, so viewing
 * them needs no script and no network.
 */
import { parse, View } from 'vega';
import { escapeControl } from '../../core/control-chars.js';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };

/** Fonts every browser has; Vega measures text with an estimate when no canvas is installed. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

/** The look shared by every chart: plain, legible at report size. */
export const CHART_CONFIG = {
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
  title: { fontSize: 13, anchor: 'start' as const },
};

/**
 * A spec with the control characters of every string escaped. Its titles and labels come from reports;
 * Vega-Lite quotes a title into a Vega expression without escaping line breaks (a newline or U+2028 in a
 * unit fails the parse), and a label would carry the rest into the page.
 */
function withoutControls(value: unknown): unknown {
  if (typeof value === 'string') return escapeControl(value);
  if (Array.isArray(value)) return value.map(withoutControls);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutControls(v)]));
  return value;
}

/** One chart as an `<svg>` element (no XML declaration, so it can be inlined in HTML). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ config: CHART_CONFIG, ...(withoutControls(spec) as TopLevelSpec) } as TopLevelSpec).spec;
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
