import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/measure/result.js';
import { withBetweenRuns } from '../../src/measure/between-runs.js';
import { SUMMARY_COLUMNS, VIRTUAL_HOST_NOTE, renderSummary, summaryRows, summaryTable } from '../../src/report/summary.js';
import { TABLE_WIDTH, columnWidths } from '../../src/report/table.js';
import { headlineReport, headlineResults, measured } from '../fixtures/headline-report.js';
import { reportWith } from '../fixtures/report.js';

/** The engine names TensorFlow.js engines report (src/models/tfjs/engines.ts). */
const ENGINES: Record<string, string> = {
  'tfjs-cpu': 'tfjs-cpu (TensorFlow.js 4.22.0)',
  'tfjs-wasm': 'tfjs-wasm (TensorFlow.js 4.22.0, XNNPACK, SIMD128, 2 threads)',
  'tfjs-webgpu': 'tfjs-webgpu (TensorFlow.js 4.22.0, llvmpipe (LLVM 15.0.6, 256 bits))',
};

/** A models run as the standard preset plans it: every scenario × engine × size of the transformer and the CNN. */
function modelResults(): Result[] {
  const results: Result[] = [];
  const models: Array<[string, Array<Record<string, number>>]> = [
    ['transformer', [{ sequence: 512, width: 768, heads: 12 }, { sequence: 128, width: 256, heads: 4 }]],
    ['cnn', [{ image: 224, channels: 64, blocks: 2 }]],
  ];
  for (const [probe, sizes] of models) {
    for (const scenario of ['single-stream', 'offline', 'train-step']) {
      for (const engine of Object.keys(ENGINES)) {
        for (const size of sizes) {
          const r = measured(engine === 'tfjs-webgpu' ? 'webgpu1' : 'cpu0', probe, { scenario, engine, batch: scenario === 'single-stream' ? 1 : 16, ...size }, 'item', 1234.5, 56.78);
          r.work.unit = 'sample';
          r.throughput = { ...r.throughput!, unit: 'sample/s' };
          r.efficiency = { ...r.efficiency!, unit: 'sample/J' };
          r.engine = ENGINES[engine]!;
          results.push(r);
        }
      }
    }
  }
  return results;
}

/** The lines of the results table in a summary: its header, its rule, one line per result. */
function resultsTable(summary: string, count: number): string[] {
  const lines = summary.split('\n');
  const start = lines.findIndex((l) => /^ *# {2}workload/.test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  return lines.slice(start, start + 2 + count);
}

describe('renderSummary', () => {
  it('starts with each device’s headline, then the results, the precision reached, and the notes', () => {
    const report = headlineReport();
    const lines = renderSummary(report).split('\n');
    expect(lines[0]).toBe('cpu0: Some CPU (cpu)');
    expect(lines[1]).toMatch(/^figure {2,}value \(95 %\) {2,}of theoretical peak {2}from$/);
    expect(lines[3]).toMatch(/^compute f32 {2,}320\.0 GFLOP\/s ±1\.1 % {2,}80\.0 % \(79\.1–80\.9 %\) of 400\.0 GFLOP\/s {2}#4 gemm$/);
    expect(lines).toContain('theoretical peak: memory: 2 channels × 3200 MT/s × 8 bytes (dmi type 17)');
    const gpu = lines.indexOf('webgpu0: llvmpipe (LLVM 15.0.6, 256 bits) (webgpu)');
    expect(gpu).toBeGreaterThan(3);
    expect(lines[gpu + 3]).toMatch(/^compute f32 {2,}2\.000 TFLOP\/s ±1\.1 % {2,}— {2}#10 gemm$/);
    const table = resultsTable(lines.join('\n'), report.results.length);
    expect(table[0]).toMatch(/^ # {2}workload +device +engine +throughput +±95 % +p50 \/ p99 +power +work per joule$/);
    expect(table[2]).toMatch(/^ 1 {2}stream op=triad +cpu0 +openblas +40\.00 Gbyte\/s +±1\.1 % ✓ +25\.0 ms \/ 30\.0 ms +20\.0 W +500 Mbyte\/J$/);
    expect(table[9]).toMatch(/^ 8 {2}gemm dtype=f32 n=512 +cpu0 +openblas +1\.000 PFLOP\/s +errored /);
    const after = lines.slice(lines.indexOf(table.at(-1)!) + 1);
    expect(after[0]).toBe('precision: all 9 results met the 1 % target');
    expect(after[1]).toMatch(/^±95 %: half-width of the throughput's 95 % interval relative to it; ✓ met the 1 % target, ✗ did not/);
    expect(after).toContain('cpu0/gemm/dtype=f32,n=512: errored: out of memory');
  });

  it(`keeps the results table of a models run within ${TABLE_WIDTH} columns, giving each abbreviated workload and engine in full below it`, () => {
    const report = reportWith(modelResults());
    const summary = renderSummary(report);
    const table = resultsTable(summary, report.results.length);
    for (const line of table) expect(line.length, line).toBeLessThanOrEqual(TABLE_WIDTH);
    // The engine names and the parameter sets are too long to fit beside the figures: both are abbreviated …
    expect(table[2]).toMatch(/^ 1 {2}transformer scenario=\S*… +cpu0 +tfjs-cpu… /);
    expect(table.slice(2).every((l) => /…/.test(l))).toBe(true);
    // … and given in full under the table, by row number.
    for (const [i, r] of report.results.entries()) {
      const workload = `${r.probe} ${Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;
      expect(summary).toContain(`\n#${i + 1} ${workload} · engine ${r.engine}\n`);
    }
    // The figures are never cut.
    expect(table[2]).toMatch(/1\.23\d ksample\/s +±1\.1 % ✓ +25\.0 ms \/ 30\.0 ms +20\.0 W +56\.8 sample\/J$/);
  });

  it('says, on a virtual machine only, that the intervals cover what changed during the run', () => {
    const report = headlineReport();
    expect(renderSummary(report).split('\n')).not.toContain(VIRTUAL_HOST_NOTE);
    report.host.virtual = true;
    expect(renderSummary(report).split('\n')).toContain(VIRTUAL_HOST_NOTE);
  });

  it('marks a ± the history widened, and says what the mark means', () => {
    const report = headlineReport();
    const plain = renderSummary(report);
    expect(plain).not.toMatch(/✓\*|✗\*|earlier runs \(the history\)/);
    const withLine = withBetweenRuns(report.results[0]!, [0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1].map((x) => ({ throughput: { value: report.results[0]!.throughput!.value * Math.exp(x), relU: 0.001, dof: 20 } }))).result;
    report.results[0] = withLine;
    const summary = renderSummary(report);
    expect(summaryRows(report.results)[0]![5]).toMatch(/^±\d+(\.\d+)? % [✓✗]\*$/);
    expect(summaryRows(report.results).slice(1).every((row) => !row[5]!.endsWith('*'))).toBe(true);
    expect(summary).toContain("; * includes the scatter between this host's earlier runs (the history), which the run's target does not");
  });

  it('lists nothing below the table when nothing was abbreviated', () => {
    const summary = renderSummary(headlineReport());
    expect(summary).not.toMatch(/^#\d+ /m);
  });

  it(`fits ${TABLE_WIDTH} columns even with the widest figures and six-digit row numbers`, () => {
    // The widest cell each figure column can hold, and workloads, devices and engines far too long.
    const widest = ['120000', 'x'.repeat(200), 'webgpu12', 'y'.repeat(200), '999.9 ksample/s', '±1234 % ✗', '1.00 ks / 1.00 ks', '1.23 kW', '1.23 ksample/J'];
    expect(widest.length).toBe(SUMMARY_COLUMNS.length);
    const widths = columnWidths(SUMMARY_COLUMNS, [widest]);
    expect(widths.reduce((s, w) => s + w, 0) + 2 * (widths.length - 1)).toBeLessThanOrEqual(TABLE_WIDTH);
    // Each figure column keeps its full width.
    for (const i of [0, 4, 5, 6, 7, 8]) expect(widths[i]).toBe(widest[i]!.length);
  });

  it('leaves out the columns no result has a figure for (power and work per joule without a power sensor)', () => {
    const results: Result[] = headlineResults().map((r) => ({ ...r, power: null, efficiency: null, energy: null }));
    const { columns, rows } = summaryTable(results);
    expect(columns.map((c) => c.header)).toEqual(['#', 'workload', 'device', 'engine', 'throughput', '±95 %', 'p50 / p99']);
    expect(rows[0]).toEqual(summaryRows(results)[0]!.slice(0, 7));
    // One figure in one row keeps its column.
    results[6]!.power = headlineResults()[6]!.power;
    expect(summaryTable(results).columns.map((c) => c.header)).toContain('power');
    // The footnotes still find the workload and engine columns.
    const wide = headlineResults().map((r) => ({ ...r, power: null, efficiency: null, engine: `${r.engine} ${'(a long engine description) '.repeat(4)}` }));
    expect(renderSummary(reportWith(wide))).toContain(`\n#1 stream op=triad · engine ${wide[0]!.engine}\n`);
  });

  it('numbers the rows as the headline refers to them', () => {
    const rows = summaryRows(headlineReport().results);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(rows[3]!.slice(1, 4)).toEqual(['gemm dtype=f32 n=256', 'cpu0', 'openblas']);
  });
});
