/**
 * `compare --by PARAM`: each report's results split into one column per value
 * of a parameter (a model probe's engine), so that one run's engines stand
 * side by side. Rows then match on probe and the other parameters, not on
 * backend and device, since the engine decides those.
 */
import { escapeControl } from '../core/control-chars.js';
import { UsageError } from '../core/errors.js';
import type { ComparedReport } from './compare.js';

export function splitBy(reports: readonly ComparedReport[], param: string): ComparedReport[] {
  const out: ComparedReport[] = [];
  for (const rep of reports) {
    const values = [...new Set(rep.report.results.flatMap((r) => (param in r.params ? [String(r.params[param])] : [])))];
    for (const value of values) {
      const results = rep.report.results
        .filter((r) => String(r.params[param]) === value)
        .map((r) => ({ ...r, params: Object.fromEntries(Object.entries(r.params).filter(([k]) => k !== param)) }));
      out.push({ label: reports.length > 1 ? `${rep.label} ${value}` : value, source: rep.source, report: { ...rep.report, results } });
    }
  }
  // The value named comes from the report: escaped.
  if (out.length === 0) throw new UsageError(escapeControl(`--by ${param}: no result in ${reports.length > 1 ? 'these reports' : 'this report'} has a parameter "${param}" (model probes have "engine")`));
  if (out.length < 2) throw new UsageError(escapeControl(`--by ${param}: only one value (${out[0]!.label}) found; nothing to compare`));
  return out;
}
