/**
 * The Grafana dashboards, as data: `node dist/scripts/dashboards.js` writes
 * dashboards/*.json (committed; a test checks they match this source). Every
 * query is PromQL over flopmeter's metrics, filtered by the template variables
 * $datasource, $instance and $device (and $probe where results are shown).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/core/paths.js';

interface Target {
  expr: string;
  legend?: string;
  /** Grafana's "format" ("heatmap" for bucketed histograms, "table" for tables). */
  format?: 'time_series' | 'heatmap' | 'table';
  instant?: boolean;
}

interface Panel {
  title: string;
  type: 'timeseries' | 'stat' | 'table' | 'heatmap' | 'state-timeline' | 'bargauge';
  unit?: string;
  targets: Target[];
  /** Width in grid units (24 across); height 8. */
  w?: number;
  description?: string;
}

interface Variable {
  name: string;
  label: string;
  query?: string;
  /** Several values and "All" may be chosen (default); otherwise exactly one. */
  multi?: boolean;
}

interface Dashboard {
  uid: string;
  title: string;
  description: string;
  variables: Variable[];
  panels: Panel[];
}

const DS = { type: 'prometheus', uid: '${datasource}' };
const I = 'instance=~"$instance"';

function variable(v: Variable): object {
  if (v.name === 'datasource') {
    return { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 };
  }
  return {
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: DS,
    definition: v.query,
    query: { query: v.query, refId: `${v.name}-variable` },
    refresh: 2,
    sort: 1,
    ...(v.multi === false
      ? // Grafana selects the first value when nothing is current.
        { multi: false, includeAll: false, current: {} }
      : { multi: true, includeAll: true, allValue: '.*', current: { selected: true, text: ['All'], value: ['$__all'] } }),
  };
}

function panel(p: Panel, id: number, x: number, y: number): object {
  const w = p.w ?? 12;
  return {
    id,
    type: p.type,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    datasource: DS,
    gridPos: { x, y, w, h: 8 },
    fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
    options: p.type === 'heatmap' ? { calculate: false, yAxis: { unit: p.unit ?? 's' }, cellGap: 1 } : { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull'] } },
    targets: p.targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DS,
      expr: t.expr,
      legendFormat: t.legend ?? '__auto',
      format: t.format ?? 'time_series',
      ...(t.instant ? { instant: true, range: false } : {}),
    })),
  };
}

function dashboard(d: Dashboard): object {
  let x = 0;
  let y = 0;
  const panels = d.panels.map((p, i) => {
    const w = p.w ?? 12;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const out = panel(p, i + 1, x, y);
    x += w;
    return out;
  });
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['flopmeter'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    timezone: 'browser',
    templating: { list: d.variables.map(variable) },
    annotations: { list: [] },
    links: [{ title: 'flopmeter', type: 'dashboards', tags: ['flopmeter'], asDropdown: true }],
    panels,
  };
}

const datasource: Variable = { name: 'datasource', label: 'Data source' };
const instance: Variable = { name: 'instance', label: 'Instance', query: 'label_values(flopmeter_build_info, instance)' };
const device: Variable = { name: 'device', label: 'Device', query: `label_values(flopmeter_device_info{${I}}, device)` };
/**
 * The device dashboard shows one node: its latency heatmap sums histograms by
 * `le`, which is exact within one exporter (its histograms share their top
 * bucket) but not across exporters whose results span different ranges.
 */
const oneInstance: Variable = { ...instance, multi: false };
const computeDevice: Variable = { name: 'device', label: 'Device', query: `label_values(flopmeter_probe_info{${I}}, device)` };
/** Results come from exporters and from Pushgateway pushes; both carry probe_info. */
const resultInstance: Variable = { name: 'instance', label: 'Instance', query: 'label_values(flopmeter_probe_info, instance)' };
const probe: Variable = { name: 'probe', label: 'Probe', query: `label_values(flopmeter_probe_info{${I}}, probe)` };

const D = `${I}, device=~"$device"`;
const UNITS = [
  ['flop', 'FLOP', 'flops'],
  ['bytes', 'byte', 'Bps'],
  ['items', 'item', 'short'],
] as const;

export const DASHBOARDS: Record<string, Dashboard> = {
  'flopmeter-fleet': {
    uid: 'flopmeter-fleet',
    title: 'flopmeter — fleet overview',
    description: 'Power, energy, utilisation, temperatures and throttling per instance and device; work per joule per probe across instances.',
    variables: [datasource, instance, device],
    panels: [
      { title: 'Power', type: 'timeseries', unit: 'watt', targets: [{ expr: `flopmeter_device_power_watts{${D}, component="device"}`, legend: '{{instance}} {{device}}' }] },
      { title: 'Power from energy counters', type: 'timeseries', unit: 'watt', targets: [{ expr: `rate(flopmeter_device_energy_joules_total{${D}}[$__rate_interval])`, legend: '{{instance}} {{device}}' }] },
      { title: 'Energy in the time range', type: 'bargauge', unit: 'joule', targets: [{ expr: `increase(flopmeter_device_energy_joules_total{${D}}[$__range])`, legend: '{{instance}} {{device}}', instant: true }] },
      { title: 'Power against its limit', type: 'bargauge', unit: 'percentunit', targets: [{ expr: `flopmeter_device_power_watts{${D}, component="device"} / on(instance, device) flopmeter_device_power_limit_watts{${D}}`, legend: '{{instance}} {{device}}', instant: true }] },
      { title: 'Utilisation', type: 'timeseries', unit: 'percentunit', targets: [{ expr: `flopmeter_device_utilization_ratio{${D}, component="device"}`, legend: '{{instance}} {{device}}' }] },
      { title: 'Temperature', type: 'timeseries', unit: 'celsius', targets: [{ expr: `flopmeter_device_temperature_celsius{${D}, component="device"}`, legend: '{{instance}} {{device}}' }] },
      { title: 'Throttle reasons active', type: 'table', targets: [{ expr: `flopmeter_device_throttle_reason_active{${D}} == 1`, legend: '{{instance}} {{device}} {{reason}}', format: 'table', instant: true }] },
      { title: 'Devices throttled', type: 'stat', targets: [{ expr: `count by (reason) (flopmeter_device_throttle_reason_active{${D}} == 1) or vector(0)`, legend: '{{reason}}', instant: true }] },
      ...UNITS.map(
        ([u, word]): Panel => ({
          title: `Work per joule (${word}/J) per probe`,
          type: 'bargauge',
          w: 8,
          unit: 'short',
          targets: [{ expr: `flopmeter_probe_efficiency_${u}_per_joule{${I}}`, legend: '{{instance}} {{device}} {{probe}}', instant: true }],
        }),
      ),
      { title: 'Exporter scrape time (p99)', type: 'timeseries', unit: 's', targets: [{ expr: `histogram_quantile(0.99, sum by (instance, le) (rate(flopmeter_exporter_scrape_duration_seconds_bucket{${I}}[$__rate_interval])))`, legend: '{{instance}}' }] },
      { title: 'Sampler errors', type: 'timeseries', targets: [{ expr: `increase(flopmeter_sampler_errors_total{${I}}[$__rate_interval])`, legend: '{{instance}} {{sampler}}' }] },
    ],
  },
  'flopmeter-device': {
    uid: 'flopmeter-device',
    title: 'flopmeter — device detail',
    description: 'One device over time: power, energy, clocks beside throttle reasons, temperatures, utilisation, memory, and the latency distribution of its probes.',
    variables: [datasource, oneInstance, device],
    panels: [
      { title: 'Power (instant and averaged)', type: 'timeseries', unit: 'watt', targets: [{ expr: `flopmeter_device_power_watts{${D}}`, legend: '{{device}} {{component}}' }] },
      { title: 'Energy (counter)', type: 'timeseries', unit: 'joule', targets: [{ expr: `flopmeter_device_energy_joules_total{${D}}`, legend: '{{device}}' }] },
      { title: 'Clocks', type: 'timeseries', unit: 'hertz', targets: [{ expr: `flopmeter_device_clock_hertz{${D}}`, legend: '{{device}} {{component}}' }] },
      { title: 'Throttle reasons', type: 'state-timeline', targets: [{ expr: `flopmeter_device_throttle_reason_active{${D}}`, legend: '{{reason}}' }] },
      { title: 'Temperature', type: 'timeseries', unit: 'celsius', targets: [{ expr: `flopmeter_device_temperature_celsius{${D}}`, legend: '{{device}} {{component}}' }] },
      { title: 'Utilisation', type: 'timeseries', unit: 'percentunit', targets: [{ expr: `flopmeter_device_utilization_ratio{${D}}`, legend: '{{device}} {{component}}' }] },
      {
        title: 'Memory',
        type: 'timeseries',
        unit: 'bytes',
        targets: [
          { expr: `flopmeter_device_memory_used_bytes{${D}}`, legend: 'used {{device}}' },
          { expr: `flopmeter_device_memory_total_bytes{${D}}`, legend: 'total {{device}}' },
        ],
      },
      { title: 'Performance state', type: 'stat', targets: [{ expr: `flopmeter_device_performance_state{${D}}`, legend: '{{device}}', instant: true }] },
      {
        title: 'Latency heatmap of the probes run on this device',
        type: 'heatmap',
        unit: 's',
        w: 24,
        description: 'From flopmeter_probe_latency_seconds: every iteration of the latest results.',
        targets: [
          {
            // Series from blackbox-style /probe scrapes (the jobs that have probe_success) repeat results /metrics serves, with their own bucket range: left out.
            expr: `sum by (le) ((flopmeter_probe_latency_seconds_bucket{${I}, device=~"$device"} or on(le) (flopmeter_probe_latency_seconds_bucket{${I}} * on(instance, device) group_left() flopmeter_compute_device_info{${I}, telemetry_device=~"$device"})) unless on(job, instance) probe_success)`,
            legend: '{{le}}',
            format: 'heatmap',
          },
        ],
      },
    ],
  },
  'flopmeter-results': {
    uid: 'flopmeter-results',
    title: 'flopmeter — probe results',
    description: 'Throughput and work per joule with their 95 % intervals, energy per unit of work and latency, across backends and devices.',
    variables: [datasource, resultInstance, computeDevice, probe],
    panels: [
      ...UNITS.flatMap(([u, word, unit]): Panel[] => [
        {
          title: `Throughput (${word}/s) with 95 % interval`,
          type: 'timeseries',
          unit,
          w: 8,
          targets: [
            { expr: `flopmeter_probe_throughput_${u}_per_second{${D}, probe=~"$probe"}`, legend: '{{instance}} {{device}} {{probe}}' },
            { expr: `flopmeter_probe_throughput_${u}_per_second_ci95_low{${D}, probe=~"$probe"}`, legend: 'low {{instance}} {{device}} {{probe}}' },
            { expr: `flopmeter_probe_throughput_${u}_per_second_ci95_high{${D}, probe=~"$probe"}`, legend: 'high {{instance}} {{device}} {{probe}}' },
          ],
        },
      ]),
      ...UNITS.flatMap(([u, word]): Panel[] => [
        {
          title: `Work per joule (${word}/J) with 95 % interval`,
          type: 'timeseries',
          w: 8,
          targets: [
            { expr: `flopmeter_probe_efficiency_${u}_per_joule{${D}, probe=~"$probe"}`, legend: '{{instance}} {{device}} {{probe}}' },
            { expr: `flopmeter_probe_efficiency_${u}_per_joule_ci95_low{${D}, probe=~"$probe"}`, legend: 'low {{instance}} {{device}} {{probe}}' },
            { expr: `flopmeter_probe_efficiency_${u}_per_joule_ci95_high{${D}, probe=~"$probe"}`, legend: 'high {{instance}} {{device}} {{probe}}' },
          ],
        },
      ]),
      {
        title: 'Energy per unit of work',
        type: 'table',
        targets: [{ expr: `{__name__=~"flopmeter_probe_energy_joules_per_(flop|byte|item)", ${D}, probe=~"$probe"}`, format: 'table', instant: true }],
      },
      { title: 'Power during the results', type: 'bargauge', unit: 'watt', targets: [{ expr: `flopmeter_probe_power_watts{${D}, probe=~"$probe"}`, legend: '{{instance}} {{device}} {{probe}}', instant: true }] },
      { title: 'Latency percentiles', type: 'table', unit: 's', targets: [{ expr: `flopmeter_probe_latency_percentile_seconds{${D}, probe=~"$probe"}`, format: 'table', instant: true }] },
      { title: 'p99 latency from the histogram', type: 'timeseries', unit: 's', targets: [{ expr: `histogram_quantile(0.99, flopmeter_probe_latency_seconds_bucket{${D}, probe=~"$probe"})`, legend: '{{instance}} {{device}} {{probe}}' }] },
      { title: 'Results: engine, status, convergence', type: 'table', w: 24, targets: [{ expr: `flopmeter_probe_info{${D}, probe=~"$probe"}`, format: 'table', instant: true }] },
      { title: 'Measurements run', type: 'timeseries', targets: [{ expr: `increase(flopmeter_measurements_total{${I}}[$__rate_interval])`, legend: '{{instance}} {{trigger}} {{outcome}}' }] },
      { title: 'Age of the latest result', type: 'stat', unit: 's', targets: [{ expr: `time() - max by (instance) (flopmeter_probe_timestamp_seconds{${D}, probe=~"$probe"})`, legend: '{{instance}}', instant: true }] },
    ],
  },
};

/** Each dashboard's Grafana JSON. */
export function renderDashboards(): Record<string, object> {
  return Object.fromEntries(Object.entries(DASHBOARDS).map(([file, d]) => [file, dashboard(d)]));
}

function main(): void {
  const dir = join(packageRoot(), 'dashboards');
  mkdirSync(dir, { recursive: true });
  for (const [file, json] of Object.entries(renderDashboards())) writeFileSync(join(dir, `${file}.json`), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${Object.keys(DASHBOARDS).length} dashboards into ${dir}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
