/**
 * The plan, printed on stderr before anything is measured (a run planned to
 * a budget, and --dry-run): how many results, the estimated time beside the
 * budget, each result with its estimate, and what was left out and why.
 */
import { escapeControl } from '../core/control-chars.js';
import { formatDuration } from '../core/units.js';
import type { ProgressEvent } from '../measure/suite.js';

/** Left-out results listed one by one up to this many; beyond, grouped by reason (a large grid would fill the screen). */
const MAX_LISTED = 12;

/** The plan's text. */
export function planText(e: Extract<ProgressEvent, { type: 'plan' }>): string {
  const total = e.items.reduce((s, i) => s + i.estimateSeconds, 0);
  const devices = new Set(e.items.map((i) => i.device)).size;
  const lines: string[] = [];
  if (e.budget) {
    const b = e.budget;
    lines.push(
      `plan: ${e.items.length} results on ${devices} device${devices === 1 ? '' : 's'}, ~${formatDuration(b.estimateSeconds)} of a ${formatDuration(b.budgetSeconds)} budget ` +
        `(${b.preset} sizes and procedure; ~${formatDuration(b.measureSeconds)} of measuring each)`,
    );
  } else {
    lines.push(`plan: ${e.items.length} results on ${devices} device${devices === 1 ? '' : 's'} at the ${e.preset} preset, at least ~${formatDuration(total)} (each measures until its target or its cap)`);
  }
  for (const i of e.items) lines.push(`  ${escapeControl(i.id)}  ~${formatDuration(i.estimateSeconds)}`);
  const left = e.budget?.leftOut ?? [];
  if (left.length > MAX_LISTED) {
    const byReason = new Map<string, number>();
    for (const l of left) {
      // Reasons differ only in their figures: grouped without them.
      const why = l.reason.replace(/~?[\d.]+ s\b/g, '…');
      byReason.set(why, (byReason.get(why) ?? 0) + 1);
    }
    lines.push(`left out (${left.length}):`, ...[...byReason].map(([why, n]) => `  ${n} × ${escapeControl(why)}`));
  } else if (left.length) {
    lines.push(`left out (${left.length}):`, ...left.map((l) => `  ${escapeControl(l.id)}: ${escapeControl(l.reason)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Prints the plan once, when the run announces it; `enabled` false prints nothing. */
export class PlanPrinter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly enabled: boolean,
  ) {}

  handle(e: ProgressEvent): void {
    if (this.enabled && e.type === 'plan') this.out.write(planText(e));
  }
}
