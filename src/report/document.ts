/**
 * A report as a document (src/views/document.ts): each device's headline, the summary, charts of
 * efficiency, rooflines, latency and telemetry, each result's uncertainty
 * budget, and the provenance — everything the printers show.
 */
import { formatSI } from '../core/units.js';
import type { Result } from '../measure/result.js';
import type { UncertaintyBudget } from '../measure/uncertainty.js';
import { heading, list, paragraph, table, type Block, type Document } from '../views/document.js';
import { efficiencyChart, efficiencyPoints } from './charts/efficiency.js';
import { latencyChart } from './charts/latency.js';
import { rooflineChart, rooflineOf, type Roofline } from './charts/roofline.js';
import { timelineChart, timelineSummary } from './charts/timeline.js';
import { convergenceOf } from './convergence.js';
import { headlineOf } from './headline.js';
import { HEADLINE_COLUMNS, headlineRows, headlineTitle, peakSources } from './headline-table.js';
import { convergenceLine, hostNotes, precisionLegend, summaryTable } from './summary.js';
import type { Report } from './types.js';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toPrecision(3)} %` : '—');

/** An uncertainty budget as a table: each component, then the combination. */
export function budgetTable(name: string, b: UncertaintyBudget): Block {
  return table({
    columns: [{ header: `${name}: component` }, { header: 'type' }, { header: 'relative u', align: 'right' }, { header: 'degrees of freedom', align: 'right' }, { header: 'distribution' }],
    rows: [
      ...b.components.map((c) => [c.source, c.type, pct(c.relative), c.dof === null ? '∞' : c.dof.toFixed(0), c.distribution]),
      ['combined (quadrature)', '', pct(b.relCombined), b.dofEffective === null ? '∞' : b.dofEffective.toFixed(1), ''],
      [`expanded, k = ${b.k.toFixed(3)} (${(b.coverage * 100).toFixed(0)} % coverage)`, '', pct(b.relExpanded), '', ''],
    ],
  });
}

function resultBlocks(r: Result, charts: boolean): Block[] {
  const blocks: Block[] = [heading(r.id, 3)];
  const facts = [
    `status: ${r.status}${r.reason ? ` (${r.reason})` : ''}; engine: ${r.engine ?? '—'}; definition ${r.definitionHash ?? '—'}`,
    r.check ? `verification: ${r.check.passed ? 'passed' : 'FAILED'} — max relative error ${r.check.maxRelError ?? 'NaN'} against tolerance ${r.check.tolerance} over ${r.check.compared} values` : r.external ? `verification: ${r.external.verification}` : 'verification: not run',
    r.throughput ? `throughput ${formatSI(r.throughput.value, r.throughput.unit)} [${formatSI(r.throughput.ci95[0], r.throughput.unit)}, ${formatSI(r.throughput.ci95[1], r.throughput.unit)}]; ${r.throughput.stopReason}` : '',
    r.latency ? `latency p50 ${formatSI(r.latency.p50, 's')}, p90 ${formatSI(r.latency.p90, 's')}, p99 ${formatSI(r.latency.p99, 's')}, p99.9 ${formatSI(r.latency.p999, 's')} over ${r.latency.count} iterations (${r.latency.timer.kind})` : '',
    r.energy ? `energy ${formatSI(r.energy.joules, 'J')} over the windows (${r.power?.method ?? '—'}); ${formatSI(r.energy.perUnit.value, r.energy.perUnit.unit)}` : '',
    ...Object.entries(r.unavailable).map(([k, why]) => `${k}: not measured (${why})`),
    ...r.notes,
  ].filter(Boolean);
  blocks.push(list(facts));
  if (charts) blocks.push(...resultCharts(r));
  if (r.uncertainty) {
    for (const [name, b] of Object.entries(r.uncertainty) as Array<[string, UncertaintyBudget | null]>) if (b) blocks.push(budgetTable(name, b));
  }
  return blocks;
}

/** A result's latency and telemetry charts (decoding its histogram: the costly part of a document). */
function resultCharts(r: Result): Block[] {
  const blocks: Block[] = [];
  const latency = latencyChart(r);
  if (latency) blocks.push({ kind: 'chart', id: `latency:${r.id}`, title: `Latency of every iteration: cumulative distribution and histogram (log scale), p50/p90/p99/p99.9 marked`, spec: latency, alt: `latency distribution of ${r.id}` });
  const timeline = timelineChart(r);
  if (timeline) blocks.push({ kind: 'chart', id: `timeline:${r.id}`, title: `Power, clock and temperature during the measurement: ${timelineSummary(r)}`, spec: timeline, alt: `telemetry timeline of ${r.id}` });
  return blocks;
}

function provenanceBlocks(report: Report): Block[] {
  const h = report.host;
  const kv = (rows: Array<[string, unknown]>): Block =>
    table({ columns: [{ header: 'what' }, { header: 'value' }], rows: rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]) });
  return [
    heading('Provenance'),
    kv([
      ['flopmeter', `${report.tool.version}${report.tool.commit ? ` (commit ${report.tool.commit}${report.tool.dirty ? ', uncommitted changes' : ''})` : ''}`],
      ['created', report.createdAt],
      ['status', report.status],
      ['host', h.hostname],
      ['OS', `${h.os}, kernel ${h.kernel}, ${h.arch}`],
      ['CPU', `${h.cpu}, ${h.logicalCpus} logical CPUs`],
      ['memory', formatSI(h.memoryBytes, 'B')],
      ['virtual machine', h.virtual === null ? 'unknown' : h.virtual ? 'yes' : 'no'],
      ['Node.js / V8', `${h.node} / ${h.v8}`],
      ['command line', report.config.argv.join(' ')],
      ['preset, seed, threads', `${report.config.preset}, ${report.config.seed}, ${report.config.threads ?? 'default'}`],
      ['stopping', `${report.config.stopping.criterion} ${JSON.stringify(report.config.stopping.settings)}`],
      ['signature', report.signature ? `key ${report.signature.keyId}, ${report.signature.signedAt} (check it with flopmeter verify)` : 'not signed'],
    ]),
    table({
      columns: [{ header: 'device' }, { header: 'name' }, { header: 'backend' }, { header: 'identity' }, { header: 'settings as found' }],
      rows: report.devices.map((d) => [d.id, d.name, d.backend, JSON.stringify(d.identity), JSON.stringify(d.settings)]),
    }),
    table({
      columns: [{ header: 'backend' }, { header: 'status' }, { header: 'notes' }],
      rows: report.backends.map((b) => [b.id, b.available ? 'available' : `unavailable: ${b.reason ?? ''}`, b.notes.join('; ')]),
    }),
    table({
      columns: [{ header: 'sensor / missing sensor' }, { header: 'details' }],
      rows: [
        ...report.telemetry.sensors.map((s) => [`${s.device} ${s.quantity}${s.component ? `/${s.component}` : ''} (${s.unit})`, `${s.sampler}: ${s.description}${s.accuracy ? `; accuracy ${JSON.stringify(s.accuracy)}` : ''}`]),
        ...report.telemetry.missing.map((m) => [`missing: ${m.device} ${m.quantity}`, m.reason]),
      ],
    }),
    ...(report.telemetry.notes.length ? [list(report.telemetry.notes)] : []),
  ];
}

/**
 * The report as a document. `source`: where it was read from. `charts`: false leaves the charts out, for
 * the views that do not draw them (building them decodes every result's histogram).
 */
export function reportDocument(report: Report, source: string, { charts = true }: { charts?: boolean } = {}): Document {
  const blocks: Block[] = [...headlineBlocks(report), heading('Results'), table(summaryTable(report.results))];
  const convergence = convergenceOf(report);
  if (convergence.measured) blocks.push(paragraph(convergenceLine(convergence)), paragraph(precisionLegend(convergence)));
  for (const note of hostNotes(report, convergence)) blocks.push(paragraph(note));
  if (charts) for (const b of summaryCharts(report)) blocks.push(b);
  blocks.push(heading('Each result'));
  // One result at a time, not push(...all): a report can have more blocks than a call may take arguments.
  for (const r of report.results) for (const b of resultBlocks(r, charts)) blocks.push(b);
  for (const b of provenanceBlocks(report)) blocks.push(b);
  return {
    title: `flopmeter report: ${report.host.hostname}, ${report.createdAt}`,
    subtitle: `${source} · ${report.results.length} results · ${report.status} · flopmeter ${report.tool.version}`,
    blocks,
  };
}

/** Each device's headline figures ("At a glance"), where it has any. */
function headlineBlocks(report: Report): Block[] {
  const headlines = headlineOf(report);
  if (!headlines.length) return [];
  return [
    heading('At a glance'),
    ...headlines.flatMap((h) => {
      const sources = peakSources(h);
      return [heading(headlineTitle(h), 3), table({ columns: HEADLINE_COLUMNS, rows: headlineRows(h) }), ...(sources.length ? [list(sources)] : [])];
    }),
  ];
}

/** "Roofline of cpu0: gemm f32 4.000 GFLOP/s; theoretical (dashed): f32 8.000 GFLOP/s" */
function rooflineTitle(roof: Roofline): string {
  const ceilings = (cs: ReadonlyArray<{ label: string; value: number }>): string => cs.map((c) => `${c.label} ${formatSI(c.value, 'FLOP/s')}`).join(', ');
  const theoretical = roof.theoretical?.compute.length ? `; theoretical (dashed): ${ceilings(roof.theoretical.compute).replace(/ theoretical/g, '')}` : '';
  return `Roofline of ${roof.device}: ${ceilings(roof.compute) || 'no compute ceiling measured'}${theoretical}`;
}

/** Work per joule across the results, and each device's roofline. */
function summaryCharts(report: Report): Block[] {
  const blocks: Block[] = [];
  const eff = efficiencyChart(efficiencyPoints(report.results));
  if (eff) blocks.push(heading('Work per joule'), { kind: 'chart', id: 'efficiency', title: 'Work per joule by probe across backends and devices, with 95 % intervals', spec: eff, alt: 'work per joule with error bars' });
  const roofs = report.devices.map((d) => rooflineOf(d.id, report.results, d.peaks)).flatMap((roof) => {
    const spec = rooflineChart(roof);
    return spec ? [{ roof, spec }] : [];
  });
  if (roofs.length) {
    blocks.push(heading('Rooflines'), paragraph('Ceilings measured on each device: memory bandwidth from the best stream/reduce result, compute from the best fma-peak and gemm result per precision; results whose work counts FLOP and bytes are placed at their arithmetic intensity. Where the device states theoretical peaks, its theoretical roof is drawn dashed.'));
    for (const { roof, spec } of roofs) blocks.push({ kind: 'chart', id: `roofline:${roof.device}`, title: rooflineTitle(roof), spec, alt: `roofline of ${roof.device}` });
  }
  return blocks;
}
