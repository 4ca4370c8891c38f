/**
 * The latest result of each (device, probe, parameters), kept for scrapes.
 */
import type { Result } from '../measure/result.js';

export class LatestResults {
  private readonly byId = new Map<string, { result: Result; at: number }>();
  private added = 0;

  /** Changes whenever a result is added. */
  get version(): number {
    return this.added;
  }

  /** Keeps a result (replacing the previous one with the same identity). */
  add(result: Result, at = Date.now()): void {
    if (result.status === 'skipped') return;
    this.byId.set(result.id, { result, at });
    this.added++;
  }

  list(): Array<{ result: Result; at: number }> {
    return [...this.byId.values()];
  }
}
