/**
 * A comparison as JSON: the data of the other views, with each result named
 * by its id (the full results stay in their reports).
 */
import type { Comparison } from './compare.js';

export const COMPARISON_SCHEMA = 'flopmeter/comparison@1';

export function comparisonJson(c: Comparison): object {
  return {
    schema: COMPARISON_SCHEMA,
    baseline: c.reports[c.baseline]!.label,
    forced: c.forced,
    reports: c.reports,
    rows: c.rows.map((row) => ({
      key: row.key,
      probe: row.probe,
      backend: row.backend,
      device: row.device,
      params: row.params,
      cells: row.cells.map((cell, i) => ({
        report: c.reports[i]!.label,
        result: cell.result?.id ?? null,
        status: cell.result?.status ?? null,
        definitionHash: cell.result?.definitionHash ?? null,
        comparable: cell.comparable,
        reason: cell.reason,
        quantities: cell.quantities,
      })),
    })),
    setup: c.setup,
  };
}
