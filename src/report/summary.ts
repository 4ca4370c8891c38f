/**
 * The end-of-run summary: each device's headline (headline.ts), then one line
 * per result as a text table that fits a terminal (workloads and engines
 * abbreviated, given in full under it), the precision the results reached,
 * and the notes.
 */
import { escapeControl } from '../core/control-chars.js';
import { paramsLabel } from '../core/probe.js';
import { formatSI } from '../core/units.js';
import { MIN_EARLIER_RUNS } from '../measure/between-runs-limits.js';
import type { Result } from '../measure/result.js';
import { convergenceOf, hasBetweenRuns, precisionOf, type Convergence, type MissCause } from './convergence.js';
import { headlineOf } from './headline.js';
import { HEADLINE_COLUMNS, headlineRows, headlineTitle, percent, peakSources } from './headline-table.js';
import { TABLE_WIDTH, columnWidths, renderTable, type Column } from './table.js';
import type { Report } from './types.js';

/**
 * The columns of summaryRows. The floors of the abbreviated columns: with the widest figures (six-digit row
 * numbers, "ksample/s") the table is then exactly TABLE_WIDTH wide.
 */
export const SUMMARY_COLUMNS: readonly Column[] = [
  { header: '#', align: 'right' },
  { header: 'workload', shrink: 19 },
  { header: 'device', shrink: 6 },
  { header: 'engine', shrink: 10 },
  { header: 'throughput', align: 'right' },
  { header: '±95 %', align: 'right' },
  { header: 'p50 / p99', align: 'right' },
  { header: 'power', align: 'right' },
  { header: 'work per joule', align: 'right' },
];

/** "gemm dtype=f32 n=4096" */
export const workloadLabel = (r: Result): string => `${r.probe} ${paramsLabel(r.params, ' ')}`.trim();

/** "±0.8 % ✓": the relative half-width stated and whether the run met the target, * where the history widened it; the status when not completed. */
function precisionCell(r: Result): string {
  const p = precisionOf(r);
  return p ? `±${percent(p.relHalfWidth)} ${p.met ? '✓' : '✗'}${hasBetweenRuns(r) ? '*' : ''}` : r.status;
}

/** The results table: SUMMARY_COLUMNS less those with nothing in any row (power and work per joule without a sensor). */
export function summaryTable(results: readonly Result[]): { columns: Column[]; rows: string[][] } {
  const all = summaryRows(results);
  const keep = SUMMARY_COLUMNS.map((_, i) => all.length === 0 || all.some((row) => row[i] !== '—'));
  return { columns: SUMMARY_COLUMNS.filter((_, i) => keep[i]), rows: all.map((row) => row.filter((_, i) => keep[i])) };
}

export function summaryRows(results: readonly Result[]): string[][] {
  return results.map((r, i) => {
    const t = r.throughput;
    const l = r.latency;
    return [
      String(i + 1),
      workloadLabel(r),
      r.device,
      r.engine ?? '—',
      t ? formatSI(t.value, t.unit) : '—',
      precisionCell(r),
      l ? `${formatSI(l.p50, 's', 3)} / ${formatSI(l.p99, 's', 3)}` : '—',
      r.power ? formatSI(r.power.value, 'W', 3) : '—',
      r.efficiency ? formatSI(r.efficiency.value, r.efficiency.unit, 3) : '—',
    ];
  });
}

const CAUSE_LABEL: Record<MissCause, string> = {
  drift: 'drift (not in a steady state)',
  'time cap': 'time cap',
  'maximum blocks': 'maximum blocks',
  'planned blocks': 'planned blocks too few',
  other: 'other',
};

/** Row numbers listed for a cause, at most; more are counted only. */
const ROWS_LISTED = 6;

/** A target half-width as typed: "1 %", "0.5 %". */
const targetLabel = (target: number): string => `${Number((target * 100).toPrecision(3))} %`;

/** One line: how many results met the target, and why the rest did not, grouped by cause. */
export function convergenceLine(c: Convergence): string {
  const aim = c.target === null ? 'measured every window asked for (no precision target)' : `met the ${targetLabel(c.target)} target`;
  if (c.met === c.measured) return `precision: ${c.measured === 1 ? 'the result' : `all ${c.measured} results`} ${aim}`;
  const causes = c.missed.map(({ cause, rows }) => `${CAUSE_LABEL[cause]}: ${rows.length} (${rows.slice(0, ROWS_LISTED).map((n) => `#${n}`).join(', ')}${rows.length > ROWS_LISTED ? ', …' : ''})`);
  return `precision: ${c.met} of ${c.measured} results ${aim}; ${c.measured - c.met} did not — ${causes.join('; ')}`;
}

/** What the ±95 % column means. */
export function precisionLegend(c: Convergence): string {
  const met = c.target === null ? '✓ all the windows asked for measured' : `✓ met the ${targetLabel(c.target)} target`;
  const history = c.betweenRuns ? `; * includes the scatter between this host's earlier runs (the history), which the run's target does not` : '';
  return `±95 %: half-width of the throughput's 95 % interval relative to it; ${met}, ✗ did not${history}`;
}

/** Each device's headline as lines: its title, its table, where its theoretical peaks came from; control characters escaped. */
function headlineLines(report: Report): string[] {
  return headlineOf(report).flatMap((h) => [
    escapeControl(headlineTitle(h)),
    renderTable(HEADLINE_COLUMNS, headlineRows(h).map((row) => row.map(escapeControl))),
    ...peakSources(h).map(escapeControl),
    '',
  ]);
}

/** The full workload and engine of each row the table abbreviated: "#3 gemm dtype=f32 … · engine …". */
function abbreviatedRows(columns: readonly Column[], rows: readonly string[][], widths: readonly number[]): string[] {
  const [workload, engine] = ['workload', 'engine'].map((h) => columns.findIndex((c) => c.header === h));
  const cut = (row: readonly string[], i: number): boolean => i >= 0 && row[i]!.length > widths[i]!;
  return rows.filter((row) => cut(row, workload!) || cut(row, engine!)).map((row) => `#${row[0]} ${row[workload!]}${engine! >= 0 ? ` · engine ${row[engine!]}` : ''}`);
}

/**
 * On a virtual machine the host's other guests and where the VM's memory lies change on scales from a minute to hours
 * (on the 2-core CI VM: a memory-bandwidth mode of ~25 vs ~35 Gbyte/s that held for hours, and minute-long episodes of
 * 1.7× GEMM throughput): a run's interval covers what changed during it, not what the host does between runs.
 */
export const VIRTUAL_HOST_NOTE =
  `host: a virtual machine: its host (other guests, where its memory lies) can change on a scale longer than this run; a run covers what changed during it, and a result with ${MIN_EARLIER_RUNS} earlier runs here also the scatter between them (the history; npm run bench:repeat measures how well runs agree)`;

/** What the intervals cannot cover on this host: VIRTUAL_HOST_NOTE where intervals were measured on a virtual machine. */
export function hostNotes(report: Report, convergence: Convergence): string[] {
  return convergence.measured && report.host.virtual ? [VIRTUAL_HOST_NOTE] : [];
}

/** A note several results share, printed once with how many. */
function sharedNotes(results: readonly Result[]): string[] {
  const byNote = new Map<string, string[]>();
  for (const r of results) {
    for (const n of r.notes) {
      const ids = byNote.get(n);
      // Appended in place: copying the list for each result would be quadratic in the results.
      if (ids) ids.push(r.id);
      else byNote.set(n, [r.id]);
    }
  }
  return [...byNote].map(([n, ids]) => (ids.length === 1 ? `${ids[0]}: ${n}` : `${ids.length} results: ${n}`));
}

export function renderSummary(report: Report): string {
  const { results } = report;
  // Device names, engines and notes come from drivers and libraries: their control characters escaped.
  const { columns, rows: cells } = summaryTable(results);
  const rows = cells.map((row) => row.map(escapeControl));
  const convergence = convergenceOf(report);
  const notes = convergence.measured ? [convergenceLine(convergence), precisionLegend(convergence)] : [];
  const problems = results.filter((r) => r.status !== 'completed' && r.reason).map((r) => `${r.id}: ${r.status}: ${r.reason}`);
  const missing = [...new Set(results.flatMap((r) => (r.power === null && r.unavailable.power ? [r.unavailable.power] : [])))];
  if (missing.length) notes.push(`power: not measured (${missing.join('; ')})`);
  notes.push(...hostNotes(report, convergence));
  const widths = columnWidths(columns, rows);
  const below = [...abbreviatedRows(columns, rows, widths), ...notes, ...problems, ...sharedNotes(results)];
  return [...headlineLines(report), renderTable(columns, rows, TABLE_WIDTH, widths), ...below.map(escapeControl)].join('\n');
}
