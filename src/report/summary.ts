/**
 * The end-of-run summary: one line per result, as a text table.
 */
import { escapeControl } from '../core/control-chars.js';
import { paramsLabel } from '../core/probe.js';
import { formatSI } from '../core/units.js';
import type { Result } from '../measure/result.js';
import { renderTable, type Column } from './table.js';

/** "12.34 GFLOP/s ±0.8 %" */
function withUncertainty(value: number, unit: string, ci: [number, number]): string {
  const rel = (ci[1] - ci[0]) / 2 / Math.abs(value);
  return `${formatSI(value, unit)} ±${(rel * 100).toFixed(rel < 0.1 ? 1 : 0)} %`;
}

/** The columns of summaryRows. */
export const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'probe' },
  { header: 'params' },
  { header: 'device' },
  { header: 'engine' },
  { header: 'status' },
  { header: 'throughput (95 %)', align: 'right' },
  { header: 'p50 / p99', align: 'right' },
  { header: 'power', align: 'right' },
  { header: 'work per joule (95 %)', align: 'right' },
];

export function summaryRows(results: readonly Result[]): string[][] {
  return results.map((r) => {
    const t = r.throughput;
    const l = r.latency;
    return [
      r.probe,
      paramsLabel(r.params, ' '),
      r.device,
      r.engine ?? '—',
      r.status === 'completed' && r.throughput && !r.throughput.converged ? 'completed*' : r.status,
      t ? withUncertainty(t.value, t.unit, t.ci95) : '—',
      l ? `${formatSI(l.p50, 's', 3)} / ${formatSI(l.p99, 's', 3)}` : '—',
      r.power ? formatSI(r.power.value, 'W', 3) : '—',
      r.efficiency ? withUncertainty(r.efficiency.value, r.efficiency.unit, r.efficiency.ci95) : '—',
    ];
  });
}

export function renderSummary(results: readonly Result[]): string {
  // Device names, engines and notes come from drivers and libraries: their control characters escaped.
  const table = renderTable(SUMMARY_COLUMNS, summaryRows(results).map((row) => row.map(escapeControl)));
  const notes: string[] = [];
  if (results.some((r) => r.status === 'completed' && r.throughput && !r.throughput.converged)) {
    notes.push('* did not reach the confidence target before the time cap; the interval says how uncertain it is.');
  }
  const problems = results.filter((r) => r.status !== 'completed' && r.reason).map((r) => `${r.id}: ${r.status}: ${r.reason}`);
  // A note several results share is printed once, with how many.
  const byNote = new Map<string, string[]>();
  for (const r of results) {
    for (const n of r.notes) {
      const ids = byNote.get(n);
      // Appended in place: copying the list for each result would be quadratic in the results.
      if (ids) ids.push(r.id);
      else byNote.set(n, [r.id]);
    }
  }
  const remarks = [...byNote].map(([n, ids]) => (ids.length === 1 ? `${ids[0]}: ${n}` : `${ids.length} results: ${n}`));
  const missing = [...new Set(results.flatMap((r) => (r.power === null && r.unavailable.power ? [r.unavailable.power] : [])))];
  if (missing.length) notes.push(`power: not measured (${missing.join('; ')})`);
  return [table, ...[...notes, ...problems, ...remarks].map(escapeControl)].join('\n');
}
