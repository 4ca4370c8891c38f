/**
 * The latest result of each (device, probe, parameters), kept for scrapes.
 */
import type { Result } from '../measure/result.js';

export class LatestResults {
  private readonly byId = new Map<string, { result: Result; at: number }>();

  /** Keeps a result (replacing the previous one with the same identity). */
  add(result: Result, at = Date.now()): void {
    if (result.status === 'skipped') return;
    this.byId.set(result.id, { result, at });
  }

  list(): Array<{ result: Result; at: number }> {
    return [...this.byId.values()];
  }
}
