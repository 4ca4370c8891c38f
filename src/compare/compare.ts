/**
 * Reports set side by side: results matched by backend, device, probe and
 * parameters; each compared with the baseline's by the ratio of throughput,
 * work per joule, power and latency, with 95 % intervals and verdicts — when
 * their probe definitions are the same. The comparison is data; text,
 * Markdown, HTML and JSON are views of it (src/compare/views/).
 */
import type { Result } from '../measure/result.js';
import type { UncertaintyBudget } from '../measure/uncertainty.js';
import type { Report } from '../report/types.js';
import { ratioOf, verdictOf, type RatioEstimate, type Verdict } from './ratio.js';
import { setupRows, type SetupRow } from './setup.js';
import { definitionMismatch, type SourcedResult } from './definition.js';

/** One report in a comparison. */
export interface ComparedReport {
  /** Short name shown as the column header (file name, made unique). */
  label: string;
  /** Where it was read from. */
  source: string;
  report: Report;
}

/** One quantity of one result beside the baseline's. */
export interface QuantityComparison {
  value: number;
  unit: string;
  ci95: [number, number] | null;
  /** This / baseline, with its interval where both carry uncertainty budgets. */
  ratio: RatioEstimate | null;
  /** Ratio without an interval (latency percentiles carry no budget). */
  plainRatio: number | null;
  verdict: Verdict | null;
}

export type QuantityName = 'throughput' | 'efficiency' | 'power' | 'p50' | 'p99';

/** One report's entry in a row. */
export interface Cell {
  result: Result | null;
  /** Whether this result can be set beside the baseline's (always true for the baseline itself). */
  comparable: boolean;
  /** Why not, or what was forced. */
  reason: string | null;
  quantities: Partial<Record<QuantityName, QuantityComparison>>;
}

/** The results of one workload across the reports. */
export interface ComparisonRow {
  key: string;
  probe: string;
  backend: string;
  device: string;
  params: Result['params'];
  /** One per report, in report order. */
  cells: Cell[];
}

export interface Comparison {
  reports: Array<{ label: string; source: string; createdAt: string; host: string; flopmeter: string }>;
  baseline: number;
  forced: boolean;
  rows: ComparisonRow[];
  /** Hosts and devices side by side: a difference in settings next to the difference in results. */
  setup: SetupRow[];
}

export interface CompareOptions {
  /** Index of the baseline report (default 0). */
  baseline?: number;
  /** Compare results whose probe definitions differ. */
  force?: boolean;
  /** Match rows on backend and device too (default); false matches on probe and parameters alone (see split.ts). */
  matchDevices?: boolean;
}

/** Parameters in a stable order, so that the same workload gets the same key in every report. */
function paramsKey(params: Result['params']): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(',');
}

/** Backend, device, probe and parameters: what "the same workload" means (probe and parameters alone across engines). */
export function resultKey(r: Result, matchDevices = true): string {
  return matchDevices ? `${r.backend}/${r.device}/${r.probe}/${paramsKey(r.params)}` : `${r.probe}/${paramsKey(r.params)}`;
}

/**
 * The sensor and timer a result was read from: the device's UUID where it has
 * one (the same GPU under any host name), else the host and device id.
 */
function instrumentOf(report: Report, r: Result): string {
  const device = report.devices.find((d) => d.id === r.device);
  const uuid = device?.identity.uuid;
  return typeof uuid === 'string' && uuid ? `uuid:${uuid}` : `${report.host.hostname}/${r.device}/${device?.name ?? ''}`;
}

/** Why two results cannot be compared, or null when they can. Units that differ are never comparable. */
function incomparability(baseOf: SourcedResult, otherOf: SourcedResult, force: boolean): { comparable: boolean; reason: string | null } {
  const [base, other] = [baseOf.result, otherOf.result];
  for (const [r, which] of [[base, 'baseline'], [other, 'this']] as const) {
    if (r.status !== 'completed') return { comparable: false, reason: `${which} result ${r.status}${r.reason ? `: ${r.reason}` : ''}` };
  }
  // An external command is the same workload only by its declaration (flopmeter measure --workload NAME@VERSION).
  const undeclared = [base, other].some((r) => r.external && !r.external.workload);
  if (undeclared) {
    const why = 'an external command without a declared workload (measure --workload NAME@VERSION)';
    return force ? { comparable: true, reason: `forced: ${why}` } : { comparable: false, reason: why };
  }
  if (base.work.unit !== other.work.unit) return { comparable: false, reason: `work is counted in different units (${base.work.unit} vs ${other.work.unit})` };
  if (base.definitionHash !== other.definitionHash) {
    const why = definitionMismatch(baseOf, otherOf);
    return force ? { comparable: true, reason: `forced: ${why}` } : { comparable: false, reason: why };
  }
  return { comparable: true, reason: null };
}

/** A quantity as measured: value, unit, interval and the budget behind it. */
interface Measured {
  value: number;
  unit: string;
  ci95: [number, number] | null;
  budget: UncertaintyBudget | null;
}

function quantities(r: Result): Partial<Record<QuantityName, Measured>> {
  const out: Partial<Record<QuantityName, Measured>> = {};
  if (r.throughput) out.throughput = { value: r.throughput.value, unit: r.throughput.unit, ci95: r.throughput.ci95, budget: r.uncertainty?.throughput ?? null };
  if (r.efficiency) out.efficiency = { value: r.efficiency.value, unit: r.efficiency.unit, ci95: r.efficiency.ci95, budget: r.uncertainty?.efficiency ?? null };
  if (r.power) out.power = { value: r.power.value, unit: r.power.unit, ci95: r.power.ci95, budget: r.uncertainty?.power ?? null };
  if (r.latency) {
    out.p50 = { value: r.latency.p50, unit: 's', ci95: null, budget: null };
    out.p99 = { value: r.latency.p99, unit: 's', ci95: null, budget: null };
  }
  return out;
}

function cellFor(base: { report: Report; result: Result } | null, own: { report: Report; result: Result } | null, isBaseline: boolean, force: boolean): Cell {
  if (!own) return { result: null, comparable: false, reason: 'not in this report', quantities: {} };
  const mine = quantities(own.result);
  const plain = (): Cell['quantities'] =>
    Object.fromEntries(Object.entries(mine).map(([k, q]) => [k, { value: q.value, unit: q.unit, ci95: q.ci95, ratio: null, plainRatio: null, verdict: null }]));
  if (isBaseline) return { result: own.result, comparable: true, reason: null, quantities: plain() };
  if (!base) return { result: own.result, comparable: false, reason: 'not in the baseline', quantities: plain() };
  const c = incomparability(base, own, force);
  if (!c.comparable) return { result: own.result, comparable: false, reason: c.reason, quantities: plain() };
  const theirs = quantities(base.result);
  const same = instrumentOf(base.report, base.result) === instrumentOf(own.report, own.result);
  const out: Cell['quantities'] = {};
  for (const [name, q] of Object.entries(mine) as Array<[QuantityName, Measured]>) {
    const b = theirs[name];
    const ratio = b && b.unit === q.unit ? ratioOf(b, q, same) : null;
    const plainRatio = b && b.unit === q.unit && b.value > 0 ? q.value / b.value : null;
    out[name] = { value: q.value, unit: q.unit, ci95: q.ci95, ratio, plainRatio, verdict: ratio ? verdictOf(ratio) : null };
  }
  return { result: own.result, comparable: true, reason: c.reason, quantities: out };
}

/** Column labels: the file names, made unique by their parent folders where needed. */
export function labelsFor(sources: readonly string[]): string[] {
  const parts = sources.map((s) => s.split(/[\\/]/).filter(Boolean));
  const deepest = parts.reduce((m, p) => Math.max(m, p.length), 0);
  for (let depth = 1; depth <= deepest; depth++) {
    const labels = parts.map((p) => p.slice(-depth).join('/').replace(/\.json$/, ''));
    if (new Set(labels).size === labels.length) return labels;
  }
  return sources.map((s, i) => `${i + 1}: ${s}`);
}

/** Compares every report with the baseline (the first, unless told otherwise). */
export function compareReports(reports: readonly ComparedReport[], opts: CompareOptions = {}): Comparison {
  const baseline = opts.baseline ?? 0;
  const force = opts.force ?? false;
  const index = reports.map((rep) => new Map(rep.report.results.map((r) => [resultKey(r, opts.matchDevices ?? true), r])));
  // Rows in the order results first appear: the baseline's order, then what others add.
  const keys = [...new Set([baseline, ...reports.keys()].flatMap((i) => [...index[i]!.keys()]))];
  const rows = keys.map((key): ComparisonRow => {
    const first = index.map((m) => m.get(key)).find((r): r is Result => r !== undefined)!;
    const baseResult = index[baseline]!.get(key);
    const base = baseResult ? { report: reports[baseline]!.report, result: baseResult } : null;
    return {
      key,
      probe: first.probe,
      backend: first.backend,
      device: first.device,
      params: first.params,
      cells: reports.map((rep, i) => {
        const r = index[i]!.get(key);
        return cellFor(base, r ? { report: rep.report, result: r } : null, i === baseline, force);
      }),
    };
  });
  return {
    reports: reports.map((r) => ({ label: r.label, source: r.source, createdAt: r.report.createdAt, host: r.report.host.hostname, flopmeter: `${r.report.tool.version}${r.report.tool.commit ? ` (${r.report.tool.commit.slice(0, 10)}${r.report.tool.dirty ? ', modified' : ''})` : ''}` })),
    baseline,
    forced: force,
    rows,
    setup: setupRows(reports.map((r) => r.report)),
  };
}
