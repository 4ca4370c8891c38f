/**
 * The exporter's index page: links to its endpoints and the devices it sees.
 */
import type { DeviceInfo } from '../backends/backend.js';
import type { TelemetryDevice } from '../telemetry/devices.js';
import type { ScheduleEntry } from './schedule.js';

const escape = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageInput {
  version: string;
  probeEndpoint: boolean;
  probes: string[];
  schedule: readonly ScheduleEntry[];
  computeDevices: readonly DeviceInfo[];
  telemetryDevices: readonly TelemetryDevice[];
  results: number;
}

export function indexPage(p: PageInput): string {
  const rows = (cells: unknown[][]): string => cells.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flopmeter exporter</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}code{background:#f4f4f4;padding:0 .3em}</style>
</head><body>
<h1>flopmeter exporter</h1>
<p>flopmeter ${escape(p.version)}: device telemetry and probe results for Prometheus.</p>
<ul>
<li><a href="metrics">/metrics</a> — telemetry at scrape time, the latest ${p.results} probe result(s), the exporter's health</li>
${
  p.probeEndpoint
    ? `<li><a href="probe?probe=launch-latency&amp;preset=quick">/probe?probe=…&amp;backend=…&amp;preset=…</a> — measure on demand (one at a time); probes: ${p.probes.map(escape).join(', ')}</li>`
    : '<li>/probe — off (start with <code>--enable-probe-endpoint</code>)</li>'
}
</ul>
<h2>Schedule</h2>
${p.schedule.length ? `<ul>${p.schedule.map((s) => `<li>${escape(s.text)}</li>`).join('')}</ul>` : '<p>none (<code>--schedule "stream,gemm every 15m"</code>)</p>'}
<h2>Compute devices</h2>
<table><tr><th>device</th><th>backend</th><th>name</th></tr>${rows(p.computeDevices.map((d) => [d.id, d.backend, d.name]))}</table>
<h2>Devices with telemetry</h2>
<table><tr><th>device</th><th>name</th><th>PCI bus id</th></tr>${rows(p.telemetryDevices.map((d) => [d.id, d.name, d.pciBusId ?? '']))}</table>
</body></html>
`;
}
