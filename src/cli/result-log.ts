/**
 * Progress when stderr is not a terminal (a CI log, `2> file`): one line per
 * finished result — its place in the run, its headline figure with its
 * precision, and how long it took — so a long run is never silent.
 */
import { escapeControl } from '../core/control-chars.js';
import { formatDuration, formatSI } from '../core/units.js';
import { relHalfWidth, type Result } from '../measure/result.js';
import type { ProgressEvent } from '../measure/suite.js';

/** "45.21 GFLOP/s ±3.1 %", or the status and why for a result that did not complete. */
export function resultLine(r: Result): string {
  if (r.status !== 'completed' || !r.throughput) return `${r.status}${r.reason ? `: ${r.reason}` : ''}`;
  const half = relHalfWidth(r.throughput) * 100;
  return `${formatSI(r.throughput.value, r.throughput.unit)} ±${half.toFixed(1)} %${r.throughput.converged ? '' : ' (target not met)'}`;
}

export class ResultLog {
  private total = 0;
  private done = 0;
  /** When each unfinished item first started, ms since the epoch. */
  private readonly started = new Map<string, number>();

  constructor(private readonly out: NodeJS.WritableStream) {}

  handle = (e: ProgressEvent): void => {
    if (e.type === 'plan') this.total = e.items.length;
    if (e.type === 'start' && !this.started.has(e.item.id)) this.started.set(e.item.id, Date.now());
    if (e.type !== 'done') return;
    this.done++;
    // From its first step to its last: in an interleaved run that spans the other results' blocks between them.
    const seconds = (Date.now() - (this.started.get(e.item.id) ?? Date.now())) / 1000;
    this.started.delete(e.item.id);
    this.out.write(`[${this.done}/${this.total}] ${escapeControl(e.result.id)}: ${escapeControl(resultLine(e.result))} (${formatDuration(seconds)})\n`);
  };

  stop(): void {}
}
