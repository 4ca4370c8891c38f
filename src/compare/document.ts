/**
 * A comparison as a document: for each matched workload, every report's
 * throughput, latency, power and work per joule with the ratio to the baseline,
 * its 95 % interval and the verdict; the hosts and devices side by side; and,
 * in HTML, grouped bars of the ratios with their intervals.
 */
import { paramsLabel } from '../core/probe.js';
import { formatSI } from '../core/units.js';
import type { TopLevelSpec } from '../report/charts/svg.js';
import { heading, list, paragraph, table, type Block, type Document } from '../views/document.js';
import type { Cell, Comparison, ComparisonRow, QuantityComparison, QuantityName } from './compare.js';
import type { Verdict } from './ratio.js';

/** What a verdict means for each quantity: more throughput is faster, more power is not better. */
const WORDS: Record<QuantityName, Record<Verdict, string>> = {
  throughput: { higher: 'faster', lower: 'slower', 'no significant difference': 'no significant difference' },
  efficiency: { higher: 'more efficient', lower: 'less efficient', 'no significant difference': 'no significant difference' },
  power: { higher: 'more power', lower: 'less power', 'no significant difference': 'no significant difference' },
  p50: { higher: 'slower', lower: 'faster', 'no significant difference': 'no significant difference' },
  p99: { higher: 'slower', lower: 'faster', 'no significant difference': 'no significant difference' },
};

const QUANTITIES: ReadonlyArray<{ name: QuantityName; title: string }> = [
  { name: 'throughput', title: 'throughput' },
  { name: 'p50', title: 'latency p50' },
  { name: 'p99', title: 'latency p99' },
  { name: 'power', title: 'power' },
  { name: 'efficiency', title: 'work per joule' },
];

export function verdictWord(q: QuantityName, v: Verdict): string {
  return WORDS[q][v];
}

const params = (row: ComparisonRow): string => paramsLabel(row.params, ' ');

function ratioText(q: QuantityComparison): string {
  if (q.ratio) return `×${q.ratio.value.toFixed(3)} [${q.ratio.ci95[0].toFixed(3)}, ${q.ratio.ci95[1].toFixed(3)}]`;
  if (q.plainRatio !== null) return `×${q.plainRatio.toFixed(3)} (no interval)`;
  return '';
}

/** One cell of the table: value, and against the baseline its ratio and verdict. */
function cellText(cell: Cell, name: QuantityName, isBaseline: boolean): string {
  if (!cell.result) return 'not in this report';
  const q = cell.quantities[name];
  if (!cell.comparable && !isBaseline) return `not comparable: ${cell.reason}`;
  if (!q) return '—';
  const value = formatSI(q.value, q.unit);
  if (isBaseline) return `${value} (baseline)`;
  const verdict = q.verdict ? `: ${verdictWord(name, q.verdict)}` : '';
  return `${value} ${ratioText(q)}${verdict}`.trim();
}

function rowTable(c: Comparison, row: ComparisonRow): Block {
  const columns = [{ header: 'quantity' }, ...c.reports.map((r, i) => ({ header: i === c.baseline ? `${r.label} (baseline)` : r.label }))];
  const rows: string[][] = [];
  const marked: boolean[][] = [];
  for (const { name, title } of QUANTITIES) {
    if (!row.cells.some((cell) => cell.quantities[name])) continue;
    rows.push([title, ...row.cells.map((cell, i) => cellText(cell, name, i === c.baseline))]);
    marked.push([false, ...row.cells.map((cell) => cell.quantities[name]?.verdict !== undefined && cell.quantities[name]?.verdict !== null && cell.quantities[name]?.verdict !== 'no significant difference')]);
  }
  if (!rows.length) rows.push(['status', ...row.cells.map((cell) => (cell.result ? `${cell.result.status}${cell.reason ? `: ${cell.reason}` : ''}` : 'not in this report'))]);
  return table({ columns, rows, marked });
}

/** Each workload's throughput and work-per-joule ratios, grouped by workload, one mark per report, with intervals and verdicts. */
function ratioChart(c: Comparison): TopLevelSpec | null {
  const values = c.rows.flatMap((row) =>
    row.cells.flatMap((cell, i) =>
      (['throughput', 'efficiency'] as const).flatMap((name) => {
        const q = cell.quantities[name];
        if (i === c.baseline || !q?.ratio) return [];
        return [{ workload: `${row.device} ${row.probe} ${params(row)}`.trim(), bar: `${row.device} ${row.probe} ${params(row)} · ${c.reports[i]!.label}`.replace(/\s+/g, ' '), report: c.reports[i]!.label, quantity: name === 'throughput' ? 'throughput ratio' : 'work per joule ratio', ratio: q.ratio.value, low: q.ratio.ci95[0], high: q.ratio.ci95[1], verdict: verdictWord(name, q.verdict!) }];
      }),
    ),
  );
  if (!values.length) return null;
  // One row per workload and report, grouped by workload (the order of the data); the no-change rule spans them all.
  const y = { field: 'bar', type: 'nominal', title: null, sort: null, axis: { labelLimit: 360 } };
  return {
    data: { values },
    facet: { column: { field: 'quantity', type: 'nominal', title: null } },
    spec: {
      width: 360,
      height: { step: 14 },
      // Ratios on a log scale (×2 and ×0.5 equally far from 1): a dot with its interval, not a bar from a zero a log axis lacks.
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'low', type: 'quantitative', title: null }, x2: { field: 'high' }, color: { field: 'report', type: 'nominal', title: 'report' } } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, x: { field: 'ratio', type: 'quantitative', title: `ratio to ${c.reports[c.baseline]!.label}`, scale: { type: 'log' } }, color: { field: 'report', type: 'nominal', title: 'report' }, shape: { field: 'verdict', type: 'nominal', title: 'verdict' } } },
        { mark: { type: 'rule', color: '#d32f2f', strokeDash: [4, 3] }, encoding: { x: { datum: 1 } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}

function verdictSummary(c: Comparison): string[] {
  const counts = new Map<string, number>();
  for (const row of c.rows) {
    row.cells.forEach((cell, i) => {
      if (i === c.baseline || !cell.result) return;
      const v = cell.comparable ? cell.quantities.throughput?.verdict : null;
      const word = !cell.comparable ? 'not comparable' : v ? verdictWord('throughput', v) : 'no interval';
      const key = `${c.reports[i]!.label}: ${word}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  }
  return [...counts.entries()].map(([k, n]) => `${k} — ${n} result${n === 1 ? '' : 's'}`);
}

export function comparisonDocument(c: Comparison): Document {
  const blocks: Block[] = [
    heading('Verdicts'),
    paragraph(`Each result against ${c.reports[c.baseline]!.label}: the ratio of its value to the baseline's with a 95 % interval from both results' uncertainty budgets (when both were read from the same device, the sensor's common gain cancels; its offset is counted as common to both, and its resolution and coverage terms stay). "Faster" or "slower" only when the interval excludes 1.${c.forced ? ' --force: results with different probe definitions are compared anyway, and marked.' : ''}`),
    list(verdictSummary(c)),
  ];
  const chart = ratioChart(c);
  if (chart) blocks.push({ kind: 'chart', id: 'ratios', title: 'Throughput and work-per-joule ratios to the baseline, with 95 % intervals (log scale; the dashed line is no change)', spec: chart, alt: 'grouped bars of ratios with intervals' });
  blocks.push(heading('Results'));
  for (const row of c.rows) blocks.push(heading(`${row.probe} ${params(row)} on ${row.backend}/${row.device}`.replace(/\s+/g, ' '), 3), rowTable(c, row));
  blocks.push(
    heading('Hosts and devices'),
    paragraph('Settings as each report found them; a value that differs between reports is marked.'),
    table({
      columns: [{ header: 'where' }, { header: 'what' }, ...c.reports.map((r) => ({ header: r.label }))],
      rows: c.setup.map((s) => [s.group, s.attribute, ...s.values.map((v) => v ?? '—')]),
      marked: c.setup.map((s) => [false, false, ...s.values.map(() => s.differs)]),
    }),
    heading('Reports'),
    table({ columns: [{ header: 'label' }, { header: 'file' }, { header: 'created' }, { header: 'host' }, { header: 'flopmeter' }], rows: c.reports.map((r) => [r.label, r.source, r.createdAt, r.host, r.flopmeter]) }),
  );
  return { title: `flopmeter comparison: ${c.reports.map((r) => r.label).join(' vs ')}`, subtitle: `${c.rows.length} workloads, baseline ${c.reports[c.baseline]!.label}`, blocks };
}
