import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/core/histogram.js';
import type { Report } from '../../src/report/types.js';
import type { Result } from '../../src/measure/result.js';
import { budgetTable, reportDocument } from '../../src/report/document.js';
import { VIRTUAL_HOST_NOTE, summaryRows } from '../../src/report/summary.js';
import type { Block, Document, Table } from '../../src/views/document.js';
import { renderHtml } from '../../src/views/html.js';
import { renderMarkdown } from '../../src/views/markdown.js';
import { renderText } from '../../src/views/text.js';
import { budgetOf, fullReport, reportWith, resultWith } from '../fixtures/report.js';

type TableBlock = Extract<Block, { kind: 'table' }>;
type ChartBlock = Extract<Block, { kind: 'chart' }>;

const tables = (doc: Document): Table[] => doc.blocks.filter((b): b is TableBlock => b.kind === 'table').map((b) => b.table);
const charts = (doc: Document): ChartBlock[] => doc.blocks.filter((b): b is ChartBlock => b.kind === 'chart');
const headers = (t: Table): string[] => t.columns.map((c) => c.header);
/** The table whose first column header is `first`. */
function tableNamed(doc: Document, first: string): Table {
  const found = tables(doc).filter((t) => t.columns[0]?.header === first);
  expect(found, `one table headed "${first}"`).toHaveLength(1);
  return found[0]!;
}

/** A decodable histogram of the fixture result's 30 iterations (25 ms … 32 ms). */
function histogram(): string {
  const h = new LatencyHistogram();
  for (let i = 0; i < 30; i++) h.recordSeconds(0.024 + (i % 9) * 0.001);
  try {
    return h.encode();
  } finally {
    h.destroy();
  }
}

/** The fixture report, its results' latency histograms replaced by decodable ones. */
function full(): Report {
  const report = fullReport();
  for (const r of report.results) if (r.latency) r.latency.histogram = histogram();
  return report;
}

/** Three results on the fixture's device: two gemm precisions and an errored one without figures. */
function threeResults(): Result[] {
  const f32 = resultWith({ probe: 'gemm', params: { n: 256, dtype: 'f32' }, throughput: 4e9, relA: 0.004 });
  const bf16 = resultWith({ probe: 'gemm', params: { n: 512, dtype: 'bf16' }, throughput: 9e9, relA: 0.01 });
  const errored: Result = { ...resultWith({ probe: 'stream', params: { op: 'triad' }, throughput: 1, relA: 0.01 }), status: 'errored', reason: 'out of memory', throughput: null, latency: null, power: null, energy: null, efficiency: null, uncertainty: null, windows: [] };
  return [f32, bf16, errored];
}

describe('budgetTable', () => {
  it('lists each component, then the combination and the expanded uncertainty', () => {
    // 1 % type A with 4 degrees of freedom and a 2 % type B: u = √(1² + 2²) % = 2.236 %,
    // ν_eff = u⁴ / (0.01⁴ / 4) = 100, k = t(0.975, 100) = 1.984, U = 4.436 %.
    const block = budgetTable('throughput', budgetOf(0.01, 4, [0.02])) as TableBlock;
    expect(block.kind).toBe('table');
    expect(headers(block.table)).toEqual(['throughput: component', 'type', 'relative u', 'degrees of freedom', 'distribution']);
    expect(block.table.columns.map((c) => c.align ?? 'left')).toEqual(['left', 'left', 'right', 'right', 'left']);
    expect(block.table.rows).toEqual([
      ['window-to-window spread', 'A', '1.00 %', '4', 't'],
      ['sensor accuracy 0', 'B', '2.00 %', '∞', 'rectangular'],
      ['combined (quadrature)', '', '2.24 %', '100.0', ''],
      ['expanded, k = 1.984 (95 % coverage)', '', '4.44 %', '', ''],
    ]);
  });

  it('shows an unusable component as a dash and infinite degrees of freedom as ∞', () => {
    const b = budgetOf(NaN, 1, [0.03]);
    const rows = (budgetTable('power', b) as TableBlock).table.rows;
    expect(rows[0]).toEqual(['window-to-window spread', 'A', '—', '1', 't']);
    expect(rows[2]).toEqual(['combined (quadrature)', '', '3.00 %', '∞', '']);
    expect(rows[3]).toEqual(['expanded, k = 1.960 (95 % coverage)', '', '5.88 %', '', '']);
  });
});

describe('reportDocument', () => {
  it('titles the document with the host, date, source and counts', () => {
    const doc = reportDocument(fullReport(), 'x.json');
    expect(doc.title).toBe('flopmeter report: h, 2026-11-22T10:00:00.000Z');
    expect(doc.subtitle).toBe('x.json · 1 results · complete · flopmeter 0.1.0');
  });

  it('starts with each device’s headline, then the summary table, one row per result, and the precision reached', () => {
    const report = reportWith(threeResults());
    const doc = reportDocument(report, 'x.json');
    expect(doc.blocks.slice(0, 2)).toEqual([
      { kind: 'heading', text: 'At a glance', level: 2 },
      { kind: 'heading', text: 'cpu0: Some CPU (cpu)', level: 3 },
    ]);
    const headline = (doc.blocks[2] as TableBlock).table;
    expect(headers(headline)).toEqual(['figure', 'value (95 %)', 'of theoretical peak', 'from']);
    // The fixture's device states no peaks: no fraction.
    expect(headline.rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['compute bf16', '—', '#2 gemm'],
      ['compute f32', '—', '#1 gemm'],
      ['work per joule (FLOP)', '', '#2 gemm'],
    ]);
    expect(doc.blocks[3]).toEqual({ kind: 'heading', text: 'Results', level: 2 });
    const summary = (doc.blocks[4] as TableBlock).table;
    expect(headers(summary)).toEqual(['#', 'workload', 'device', 'engine', 'throughput', '±95 %', 'p50 / p99', 'power', 'work per joule']);
    expect(summary.rows).toHaveLength(3);
    expect(summary.rows).toEqual(summaryRows(report.results));
    expect(summary.rows.map((r) => r.slice(0, 4))).toEqual([
      ['1', 'gemm n=256 dtype=f32', 'cpu0', 'openblas'],
      ['2', 'gemm n=512 dtype=bf16', 'cpu0', 'openblas'],
      ['3', 'stream op=triad', 'cpu0', 'openblas'],
    ]);
    expect(summary.rows.map((r) => r[5])).toEqual(['±0.9 % ✓', '±2.3 % ✓', 'errored']);
    expect(summary.rows[0]![4]).toBe('4.000 GFLOP/s');
    expect(summary.rows[2]![4]).toBe('—');
    expect(doc.blocks[5]).toEqual({ kind: 'paragraph', text: 'precision: all 2 results met the 1 % target' });
    expect(doc.blocks[6]).toMatchObject({ kind: 'paragraph', text: expect.stringMatching(/^±95 %: half-width/) });
  });

  it('says below the precision lines, on a virtual machine only, what the intervals cannot cover', () => {
    const report = fullReport();
    const notes = (): string[] => reportDocument(report, 'x.json', { charts: false }).blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : []));
    expect(notes()).not.toContain(VIRTUAL_HOST_NOTE);
    report.host.virtual = true;
    const paragraphs = notes();
    expect(paragraphs.indexOf(VIRTUAL_HOST_NOTE)).toBe(paragraphs.findIndex((t) => t.startsWith('±95 %: half-width')) + 1);
    expect(renderMarkdown(reportDocument(report, 'x.json', { charts: false }))).toContain(VIRTUAL_HOST_NOTE);
  });

  it('lists where a device’s theoretical peaks came from under its headline', () => {
    const report = fullReport();
    report.devices[0]!.peaks = { flops: { f32: 8e9 }, memoryBytesPerSecond: null, clockHz: 2e9, sources: ['f32: 1 core × 2 GHz × 4 lanes × 2'], notes: ['memory: channels not readable'] };
    const doc = reportDocument(report, 'x.json');
    const headline = (doc.blocks[2] as TableBlock).table;
    expect(headline.rows[0]).toEqual(['compute f32', '4.000 GFLOP/s ±1.0 %', '50.0 % (49.5–50.5 %) of 8.000 GFLOP/s', '#1 gemm']);
    expect(doc.blocks[3]).toEqual({ kind: 'list', items: ['theoretical peak: f32: 1 core × 2 GHz × 4 lanes × 2', 'theoretical peak: memory: channels not readable'] });
  });

  it('has no headline for a report without completed results', () => {
    const doc = reportDocument(reportWith([threeResults()[2]!]), 'x.json');
    expect(doc.blocks[0]).toEqual({ kind: 'heading', text: 'Results', level: 2 });
  });

  it('has a budget table per budget of each result with the fixture figures', () => {
    const doc = reportDocument(fullReport(), 'x.json');
    // The fixture has throughput, power and efficiency budgets (energy per unit: none).
    const budgets = tables(doc).filter((t) => t.columns[0]!.header.endsWith(': component'));
    expect(budgets.map((t) => t.columns[0]!.header)).toEqual(['throughput: component', 'power: component', 'efficiency: component']);
    for (const t of budgets) {
      expect(t.rows).toEqual([
        ['window-to-window spread', 'A', '0.400 %', '2', 't'],
        ['combined (quadrature)', '', '0.400 %', '2.0', ''],
        ['expanded, k = 4.300 (95 % coverage)', '', '1.72 %', '', ''],
      ]);
    }
  });

  it('gives each result a heading and its facts', () => {
    const doc = reportDocument(reportWith(threeResults()), 'x.json');
    const ids = threeResults().map((r) => r.id);
    for (const id of ids) expect(doc.blocks).toContainEqual({ kind: 'heading', text: id, level: 3 });
    const facts = doc.blocks.filter((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list');
    expect(facts[2]!.items).toEqual([`status: errored (out of memory); engine: openblas; definition sha256:${'ab'.repeat(32)}`, 'verification: passed — max relative error 0.000001 against tolerance 0.0001 over 65536 values']);
    expect(facts[0]!.items).toContain('latency p50 25.00 ms, p90 26.00 ms, p99 30.00 ms, p99.9 31.00 ms over 30 iterations (host-monotonic)');
  });

  it('has chart blocks for work per joule, the roofline, and each result’s latency and timeline', () => {
    const doc = reportDocument(full(), 'x.json');
    const ids = charts(doc).map((c) => c.id);
    expect(ids).toEqual(['efficiency', 'roofline:cpu0', 'latency:cpu0/gemm/n=256', 'timeline:cpu0/gemm/n=256']);
    const [efficiency, roofline, latency, timeline] = charts(doc) as [ChartBlock, ChartBlock, ChartBlock, ChartBlock];
    expect(doc.blocks[doc.blocks.indexOf(efficiency) - 1]).toEqual({ kind: 'heading', text: 'Work per joule', level: 2 });
    expect(roofline.title).toBe('Roofline of cpu0: gemm f32 4.000 GFLOP/s');
    expect(latency.alt).toBe('latency distribution of cpu0/gemm/n=256');
    expect(latency.title).toBe('Latency of every iteration: cumulative distribution and histogram (log scale), p50/p90/p99/p99.9 marked');
    expect(timeline.title).toBe('Power, clock and temperature during the measurement: 3 measurement windows shaded; none saw throttling');
    for (const c of charts(doc)) expect(c.spec).toBeTypeOf('object');
  });

  it('still renders a report whose latency histogram cannot be decoded, without that chart', () => {
    // A truncated encoding; the schema only asks for a non-empty string.
    const report = fullReport();
    report.results[0]!.latency!.histogram = 'HISTFAAAABx4nJNpmSzMwMDAxAABzFCaEUzLf4AIAEFTAxk=';
    const doc = reportDocument(report, 'x.json');
    expect(charts(doc).map((c) => c.id)).toEqual(['efficiency', 'roofline:cpu0', 'timeline:cpu0/gemm/n=256']);
    // The percentiles are still there, as facts.
    expect(renderText(doc)).toContain('• latency p50 25.00 ms, p90 26.00 ms');
  });

  it('without charts (text and Markdown), the same document less the charts and their headings', () => {
    const withCharts = reportDocument(full(), 'x.json');
    const without = reportDocument(full(), 'x.json', { charts: false });
    expect(charts(without)).toEqual([]);
    expect(renderText(without)).toBe(renderText(withCharts).replace(/Work per joule\n═+\n\nRooflines\n═+\n\nCeilings measured[^\n]*\n\n/, ''));
  });

  it('leaves out charts it has no data for', () => {
    const r = threeResults()[2]!;
    const doc = reportDocument(reportWith([r]), 'x.json');
    expect(charts(doc)).toEqual([]);
    expect(doc.blocks).not.toContainEqual({ kind: 'heading', text: 'Work per joule', level: 2 });
    expect(doc.blocks).not.toContainEqual({ kind: 'heading', text: 'Rooflines', level: 2 });
  });

  it('ends with the provenance: tool, host, command line, devices, backends, sensors', () => {
    const doc = reportDocument(fullReport(), 'x.json');
    expect(doc.blocks).toContainEqual({ kind: 'heading', text: 'Provenance', level: 2 });
    const kv = new Map(tableNamed(doc, 'what').rows.map(([k, v]) => [k, v]));
    expect(kv.get('flopmeter')).toBe('0.1.0 (commit 0123456789abcdef0123456789abcdef01234567)');
    expect(kv.get('host')).toBe('h');
    expect(kv.get('command line')).toBe('run --preset quick');
    expect(kv.get('OS')).toBe('Debian 12, kernel 6.1, x64');
    expect(kv.get('CPU')).toBe('c, 2 logical CPUs');
    expect(kv.get('memory')).toBe('8.000 GB');
    expect(kv.get('virtual machine')).toBe('no');
    expect(kv.get('preset, seed, threads')).toBe('quick, 42, 2');
    expect(kv.get('stopping')).toBe('ci-half-width {"targetRel":0.01,"maxSeconds":5}');
    expect(kv.get('signature')).toBe('not signed');
    expect(tableNamed(doc, 'device').rows).toEqual([['cpu0', 'Some CPU', 'cpu', '{"cores":2,"smt":true,"microcode":"0xa","uuid":null}', '{"governor":"performance"}']]);
    expect(tableNamed(doc, 'backend').rows).toEqual([
      ['cpu', 'available', 'wasm-simd128'],
      ['cuda', 'unavailable: no libcuda', ''],
    ]);
    expect(tableNamed(doc, 'sensor / missing sensor').rows).toEqual([
      ['cpu0 energy/package-0 (J)', 'rapl: RAPL package energy; accuracy {"relative":0.05,"source":"assumed"}'],
      ['missing: cpu0 temperature', 'no hwmon'],
    ]);
    expect(doc.blocks.at(-1)).toEqual({ kind: 'list', items: ['a note'] });
  });

  it('as Markdown and text holds every result id and the host', () => {
    const doc = reportDocument(reportWith(threeResults()), 'x.json');
    const md = renderMarkdown(doc);
    const text = renderText(doc);
    for (const r of threeResults()) {
      expect(md).toContain(`### ${r.id}\n`);
      expect(text).toContain(`${r.id}\n${'─'.repeat(r.id.length)}`);
    }
    expect(md).toContain('| host | h |');
    expect(md).toContain('| command line | run --preset quick |');
  });

  it('as HTML draws every chart inline', async () => {
    const html = await renderHtml(reportDocument(full(), 'x.json'));
    const figures = [...html.matchAll(/<figure class="chart" data-chart="([^"]*)"[^>]*>\n<svg/g)].map((m) => m[1]);
    expect(figures).toEqual(['efficiency', 'roofline:cpu0', 'latency:cpu0/gemm/n=256', 'timeline:cpu0/gemm/n=256']);
    expect(html).not.toMatch(/<script/i);
  });
});
