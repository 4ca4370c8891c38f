/**
 * Vega-Lite specifications rendered to standalone SVG in Node.js, without a
 * browser or a canvas: the charts of the HTML report and the dashboard
 * previews are computed at report time and embedded as markup, so viewing
 * them needs no script and no network.
 */
import { parse, View } from 'vega';
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

/** One chart as an `<svg>` element (no XML declaration, so it can be inlined in HTML). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ config: CHART_CONFIG, ...spec } as TopLevelSpec).spec;
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
