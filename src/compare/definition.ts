/**
 * Why two results' definition hashes differ, as far as their reports tell:
 * a hash computed by an older scheme (measure/definition.ts) matches no hash
 * of a newer one, whatever the workload, so the reason names the scheme and
 * the flopmeter that wrote it rather than a change of definition.
 */
import type { Result } from '../measure/result.js';
import type { Report } from '../report/types.js';

/** A result and the report it came from. */
export interface SourcedResult {
  report: Report;
  result: Result;
}

/** Reports without a scheme beside the hash were written by scheme 1 (flopmeter 0.1.0: the compiled text of work and reference). */
const schemeOf = (r: Result): number => r.definitionScheme ?? 1;

const short = (hash: string | null): string => (hash ? hash.replace(/^sha256:/, '').slice(0, 12) : 'none');

/** The reason two results with different definition hashes are not comparable. */
export function definitionMismatch(base: SourcedResult, other: SourcedResult): string {
  const [a, b] = [schemeOf(base.result), schemeOf(other.result)];
  if (a !== b) {
    const older = a < b ? base : other;
    const which = older === base ? 'baseline' : 'this';
    return `${which} result's definition hash computed by an older scheme (${Math.min(a, b)}, flopmeter ${older.report.tool.version}); re-run to compare, or --force`;
  }
  return `probe definitions differ (${short(base.result.definitionHash)} vs ${short(other.result.definitionHash)}): parameters, work formula or kernel source changed`;
}
