/**
 * A picture of each Grafana dashboard without Grafana: every panel's queries
 * (from the committed dashboards/*.json, variables "All", or the first value
 * where a variable takes only one, as Grafana does) evaluated
 * through a Prometheus server's HTTP API and drawn with Vega-Lite into one SVG
 * per dashboard, laid out on Grafana's 24-column grid.
 *
 *   node dist/scripts/dashboard-preview.js --prometheus http://127.0.0.1:9090 [--minutes 15] [--out docs/dashboards]
 *
 * The README's images were made this way (see docs/dashboards/README.md); the
 * end-to-end test renders all three against its own Prometheus and requires
 * data in every panel.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/core/paths.js';
import { renderSvg, type TopLevelSpec } from '../src/report/charts/svg.js';

/** The parts of a Grafana dashboard JSON the preview reads. */
export interface DashboardJson {
  uid: string;
  title: string;
  templating: { list: Array<{ name: string; type: string; definition?: string; includeAll?: boolean }> };
  panels: Array<{
    title: string;
    type: string;
    gridPos: { x: number; y: number; w: number; h: number };
    fieldConfig?: { defaults?: { unit?: string } };
    targets: Array<{ expr: string; legendFormat?: string; format?: string; instant?: boolean }>;
  }>;
}

/** The committed dashboards, by file name order. */
export function loadDashboards(dir = join(packageRoot(), 'dashboards')): DashboardJson[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as DashboardJson);
}

/**
 * An expression as Grafana sends it: variables replaced by the chosen values
 * (a regex alternation for several, as Grafana formats multi-value variables),
 * `$__rate_interval` and `$__range` by the given durations.
 */
export function substitute(expr: string, vars: Record<string, string[]>, durations = { rateInterval: '10s', range: '5m' }): string {
  // Grafana escapes regex characters in variable values with a double backslash inside PromQL strings.
  const escape = (v: string): string => (v === '.*' ? v : v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&'));
  return expr
    .replace(/\$__rate_interval/g, durations.rateInterval)
    .replace(/\$__range/g, durations.range)
    .replace(/\$(\w+)/g, (m, name: string) => {
      const v = vars[name];
      if (!v) return m;
      return v.length === 1 ? escape(v[0]!) : `(${v.map(escape).join('|')})`;
    });
}

interface Series {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Evaluates one expression at `end` (instant) or over [start, end] every `step` seconds. */
async function evaluate(prometheus: string, expr: string, range: { start: number; end: number; step: number } | undefined): Promise<Series[]> {
  const q = new URLSearchParams({ query: expr });
  if (range) for (const [k, v] of Object.entries(range)) q.set(k, String(v));
  else q.set('time', String(Date.now() / 1000));
  const r = await fetch(`${prometheus}/api/v1/${range ? 'query_range' : 'query'}?${q}`);
  const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${body.error}`);
  return body.data.result.map((s) => ({ metric: s.metric, values: s.values ?? (s.value ? [s.value] : []) }));
}

/** Grafana's legend: `{{label}}` replaced by the series' label values; `__auto` is the series itself. */
export function legend(format: string | undefined, metric: Record<string, string>): string {
  if (!format || format === '__auto') {
    const { __name__: name = '', ...labels } = metric;
    return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => metric[k] ?? '').trim();
}

/** Axis label format and unit suffix for Grafana's unit names. */
const UNITS: Record<string, { format: string; title: string }> = {
  watt: { format: '~s', title: 'W' },
  joule: { format: '~s', title: 'J' },
  percentunit: { format: '.0%', title: '' },
  celsius: { format: '~r', title: '°C' },
  hertz: { format: '~s', title: 'Hz' },
  bytes: { format: '~s', title: 'bytes' },
  s: { format: '~s', title: 's' },
  flops: { format: '~s', title: 'FLOP/s' },
  Bps: { format: '~s', title: 'B/s' },
  short: { format: '~s', title: '' },
};

interface Point {
  t: number;
  /** The legend text (several series may share one, as in Grafana). */
  series: string;
  /** The series' identity: its query and every label. */
  key: string;
  value: number;
}

/** What one panel drew: its chart, and whether any query returned data. */
export interface PanelPreview {
  title: string;
  hasData: boolean;
  /** What looked wrong in the data (e.g. a histogram whose cumulative counts fall). */
  warnings: string[];
  spec: Record<string, unknown>;
}

/** Pixels per grid column (Grafana's grid is 24 columns) and per panel. */
const COLUMN_PX = 60;
const PANEL_HEIGHT_PX = 170;

function noData(title: string, width: number): PanelPreview {
  return { title, hasData: false, warnings: [], spec: { title, width, height: PANEL_HEIGHT_PX, data: { values: [{ text: 'no data' }] }, mark: { type: 'text', fontSize: 16, color: '#b00' }, encoding: { text: { field: 'text' } } } };
}

function toPoints(series: Series[], legendFormat: string | undefined, target: number): Point[] {
  return series.flatMap((s) => {
    const key = `${target} ${JSON.stringify(s.metric)}`;
    return s.values.map(([t, v]) => ({ t: t * 1000, series: legend(legendFormat, s.metric), key, value: Number(v) })).filter((p) => Number.isFinite(p.value));
  });
}

/** A bucket bound in seconds as a short label: 1.5ms, 20µs, +Inf. */
function secondsLabel(le: string): string {
  const v = Number(le);
  if (!Number.isFinite(v)) return le;
  const [scale, suffix] = v >= 1 ? [1, 's'] : v >= 1e-3 ? [1e3, 'ms'] : v >= 1e-6 ? [1e6, 'µs'] : [1e9, 'ns'];
  return `${Number((v * scale).toPrecision(3))}${suffix}`;
}

/** A heatmap has at most this many time columns: enough to see change, small enough to embed. */
const HEATMAP_COLUMNS = 60;

/** Cumulative `le` buckets per timestamp turned into counts per bucket, as Grafana's heatmap format does. */
function decumulate(series: Series[], step: number): Array<{ t: number; t2: number; le: string; upper: number; count: number }> {
  const byTime = new Map<number, Array<{ le: string; upper: number; cum: number }>>();
  for (const s of series) {
    const le = s.metric.le ?? '+Inf';
    for (const [t, v] of s.values) {
      const list = byTime.get(t) ?? [];
      list.push({ le, upper: le === '+Inf' ? Infinity : Number(le), cum: Number(v) });
      byTime.set(t, list);
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const every = Math.ceil(times.length / HEATMAP_COLUMNS);
  return times
    .filter((_t, i) => i % every === 0)
    .flatMap((t) => {
      const list = byTime.get(t)!.sort((a, b) => a.upper - b.upper);
      return list.map((b, i) => ({ t: t * 1000, t2: (t + every * step) * 1000, le: secondsLabel(b.le), upper: b.upper === Infinity ? Number.MAX_VALUE : b.upper, count: b.cum - (i ? list[i - 1]!.cum : 0) }));
    });
}

/** Each series' consecutive samples in the same state as one interval, as Grafana's state timeline draws them. */
function stateRuns(points: Point[], step: number): Array<{ series: string; state: string; t: number; t2: number }> {
  const runs: Array<{ key: string; series: string; state: string; t: number; t2: number }> = [];
  const last = new Map<string, (typeof runs)[number]>();
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    const state = p.value ? 'active' : 'inactive';
    const run = last.get(p.key);
    // A gap longer than two steps (no samples) ends the interval.
    if (run && run.state === state && p.t - run.t2 <= 2 * step * 1000) run.t2 = p.t + step * 1000;
    else {
      const next = { key: p.key, series: p.series, state, t: p.t, t2: p.t + step * 1000 };
      runs.push(next);
      last.set(p.key, next);
    }
  }
  return runs.map(({ series, state, t, t2 }) => ({ series, state, t, t2 }));
}

/** One panel as a Vega-Lite unit spec, by its Grafana panel type. */
export async function previewPanel(prometheus: string, panel: DashboardJson['panels'][number], vars: Record<string, string[]>, window: { start: number; end: number; step: number }): Promise<PanelPreview> {
  // Vega-Lite sizes the plot, not its axes: leave room for the value axis, or for bar labels.
  const bars = !['timeseries', 'state-timeline', 'heatmap', 'table'].includes(panel.type);
  const width = panel.gridPos.w * COLUMN_PX - (bars ? 300 : panel.type === 'table' ? 40 : 110);
  const unit = UNITS[panel.fieldConfig?.defaults?.unit ?? 'short'] ?? UNITS.short!;
  const durations = { rateInterval: `${Math.max(4 * window.step, 10)}s`, range: `${window.end - window.start}s` };
  const results = await Promise.all(panel.targets.map((t) => evaluate(prometheus, substitute(t.expr, vars, durations), t.instant ? undefined : window)));
  if (results.every((r) => r.length === 0)) return noData(panel.title, width);
  const base = { title: panel.title, width, height: PANEL_HEIGHT_PX };
  const time = { field: 't', type: 'temporal', title: null, axis: { format: '%H:%M:%S', labelOverlap: true } };
  const value = { field: 'value', type: 'quantitative', title: unit.title || null, axis: { format: unit.format } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } };
  const points = results.flatMap((r, i) => toPoints(r, panel.targets[i]!.legendFormat, i));
  const warnings: string[] = [];
  switch (panel.type) {
    case 'timeseries':
      return { title: panel.title, hasData: true, warnings, spec: { ...base, data: { values: points }, mark: { type: 'line', interpolate: 'step-after', point: points.length < 40 }, encoding: { x: time, y: { ...value, scale: { zero: false } }, color, detail: { field: 'key' } } } };
    case 'state-timeline':
      return { title: panel.title, hasData: true, warnings, spec: { ...base, data: { values: stateRuns(points, window.step) }, mark: 'rect', encoding: { x: time, x2: { field: 't2' }, y: { field: 'series', type: 'nominal', title: null }, color: { field: 'state', type: 'nominal', title: null, scale: { domain: ['inactive', 'active'], range: ['#cfd8dc', '#d32f2f'] }, legend: { orient: 'bottom' } } } } };
    case 'heatmap': {
      const cells = results.flatMap((r) => decumulate(r, window.step));
      const falling = cells.filter((c) => c.count < 0).length;
      if (falling) warnings.push(`${falling} heatmap cells with a negative count: the summed histograms do not share their bucket bounds`);
      return { title: panel.title, hasData: true, warnings, spec: { ...base, data: { values: cells }, mark: 'rect', encoding: { x: time, x2: { field: 't2' }, y: { field: 'le', type: 'ordinal', title: 'bucket upper bound', sort: { field: 'upper', order: 'descending' }, axis: { labelOverlap: 'greedy' } }, color: { field: 'count', type: 'quantitative', title: 'count', scale: { type: 'symlog', scheme: 'oranges' }, legend: { orient: 'right' } } } } };
    }
    case 'table':
      return { title: panel.title, hasData: true, warnings, spec: tableSpec(base, results.flat()) };
    default: {
      // stat and bargauge: the latest value of each series as a bar with its value written beside it.
      const latest = [...new Map(points.map((p) => [p.key, p])).values()];
      // A domain of at least [0, 1], so that all-zero values still get an axis.
      const top = Math.max(...latest.map((p) => Math.abs(p.value))) * 1.15 || 1;
      const bar = { y: { field: 'series', type: 'nominal', title: null, axis: { labelLimit: 260 } }, x: { ...value, title: unit.title || null, scale: { domain: [0, top] } } };
      return {
        title: panel.title,
        hasData: true,
        warnings,
        spec: { ...base, data: { values: latest }, encoding: bar, layer: [{ mark: { type: 'bar', color: '#4e79a7' } }, { mark: { type: 'text', align: 'left', dx: 3 }, encoding: { text: { field: 'value', type: 'quantitative', format: unit.format === '.0%' ? '.1%' : '.4~s' } } }] },
      };
    }
  }
}

/** Grafana's table format: one row per series, a column per label that varies, and the value. */
function tableSpec(base: object, series: Series[]): Record<string, unknown> {
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.metric)))].filter((k) => k !== 'job' && new Set(series.map((s) => s.metric[k] ?? '')).size > 1 || k === '__name__' && series.length === 1);
  // A preview, not the table itself: the first columns and rows that fit the panel.
  const columns = [...keys.slice(0, 7), 'value'];
  const rows = series.slice(0, 9).flatMap((s, row) => columns.map((column) => ({ row, column, text: column === 'value' ? String(Number(s.values.at(-1)?.[1] ?? NaN).toPrecision(4)) : (s.metric[column] ?? '') })));
  return { ...base, data: { values: rows }, mark: { type: 'text', align: 'left', fontSize: 10, limit: 150 }, encoding: { x: { field: 'column', type: 'nominal', sort: columns, title: null, axis: { orient: 'top', labelAngle: 0, domain: false, ticks: false } }, y: { field: 'row', type: 'ordinal', axis: null }, text: { field: 'text' } } };
}

/** "All" for variables that allow it; the first value, as Grafana picks it, for single-value ones. */
async function defaultVariables(prometheus: string, dashboard: DashboardJson): Promise<Record<string, string[]>> {
  const vars: Record<string, string[]> = {};
  for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
    if (v.includeAll !== false) {
      vars[v.name] = ['.*'];
      continue;
    }
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.definition ?? '');
    if (!m) throw new Error(`${dashboard.title}: variable ${v.name} is not label_values(...): ${v.definition}`);
    const values = [...new Set((await evaluate(prometheus, substitute(m[1]!, vars), undefined)).map((s) => s.metric[m[2]!]).filter((x): x is string => x !== undefined))].sort();
    vars[v.name] = values.length ? [values[0]!] : ['.*'];
  }
  return vars;
}

/** A whole dashboard: panels evaluated and laid out in Grafana's rows. */
export async function previewDashboard(prometheus: string, dashboard: DashboardJson, opts: { minutes: number; vars?: Record<string, string[]> }): Promise<{ svg: string; panels: PanelPreview[] }> {
  const end = Math.floor(Date.now() / 1000);
  // About 240 points across a timeline, never finer than a 1 s scrape.
  const window = { start: end - opts.minutes * 60, end, step: Math.max(1, Math.round((opts.minutes * 60) / 240)) };
  const vars = opts.vars ?? (await defaultVariables(prometheus, dashboard));
  const panels = await Promise.all(dashboard.panels.map((p) => previewPanel(prometheus, p, vars, window)));
  const rows = new Map<number, PanelPreview[]>();
  dashboard.panels.forEach((p, i) => rows.set(p.gridPos.y, [...(rows.get(p.gridPos.y) ?? []), panels[i]!]));
  const independent = { scale: { color: 'independent', x: 'independent', y: 'independent' }, legend: { color: 'independent' }, axis: { x: 'independent', y: 'independent' } };
  const spec = {
    title: { text: dashboard.title, subtitle: `rendered from Prometheus ${new Date(end * 1000).toISOString()}, last ${opts.minutes} min, ${Object.entries(vars).map(([k, v]) => `${k} = ${v.join('|') === '.*' ? 'All' : v.join(', ')}`).join(', ')}`, fontSize: 16 },
    vconcat: [...rows.values()].map((row) => ({ hconcat: row.map((p) => p.spec), resolve: independent })),
    resolve: independent,
    spacing: 24,
  } as unknown as TopLevelSpec;
  return { svg: await renderSvg(spec), panels };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { prometheus: { type: 'string' }, minutes: { type: 'string', default: '15' }, out: { type: 'string', default: join(packageRoot(), 'docs', 'dashboards') } } });
  if (!values.prometheus) throw new Error('usage: dashboard-preview --prometheus URL [--minutes N] [--out DIR]');
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, not ${values.minutes}`);
  mkdirSync(values.out, { recursive: true });
  for (const d of loadDashboards()) {
    const { svg, panels } = await previewDashboard(values.prometheus.replace(/\/$/, ''), d, { minutes });
    writeFileSync(join(values.out, `${d.uid}.svg`), svg);
    const empty = panels.filter((p) => !p.hasData).map((p) => p.title);
    console.log(`${d.uid}.svg: ${panels.length} panels${empty.length ? `, no data in: ${empty.join('; ')}` : ''}`);
    for (const p of panels) for (const w of p.warnings) console.log(`  ${p.title}: ${w}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
