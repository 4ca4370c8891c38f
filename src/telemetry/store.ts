/**
 * Samples kept on the main thread, one time series per (device, quantity,
 * component), with old samples pruned so a long-running process stays bounded.
 */
import type { Quantity, Sample } from './types.js';

export class Series {
  readonly t: number[] = [];
  readonly v: number[] = [];
  /** Exact 64-bit masks beside `v`, for a series whose samples carry them (throttle reasons); else empty. */
  readonly masks: bigint[] = [];

  push(t: number, v: number, mask?: bigint): void {
    // Samples arrive in order per sampler; keep the series sorted if one is late.
    const n = this.t.length;
    // The first sample with a mask gives the earlier ones theirs (from their values), keeping the arrays aligned.
    if (mask !== undefined) for (let j = this.masks.length; j < n; j++) this.masks.push(BigInt(Math.trunc(this.v[j]!)));
    const withMask = mask !== undefined || this.masks.length > 0;
    if (n === 0 || t >= this.t[n - 1]!) {
      this.t.push(t);
      this.v.push(v);
      if (withMask) this.masks.push(mask ?? BigInt(Math.trunc(v)));
      return;
    }
    let i = n;
    while (i > 0 && this.t[i - 1]! > t) i--;
    this.t.splice(i, 0, t);
    this.v.splice(i, 0, v);
    if (withMask) this.masks.splice(i, 0, mask ?? BigInt(Math.trunc(v)));
  }

  /** The exact mask of sample i (from `v` where the sampler gave none). */
  maskAt(i: number): bigint {
    return this.masks[i] ?? BigInt(Math.trunc(this.v[i]!));
  }

  get length(): number {
    return this.t.length;
  }

  /** Index of the first sample at or after t (binary search). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops samples older than t, keeping one before it so interpolation at t still works. */
  pruneBefore(t: number): void {
    const i = this.lowerBound(t) - 1;
    if (i > 0) {
      this.t.splice(0, i);
      this.v.splice(0, i);
      this.masks.splice(0, i);
    }
  }

  /** The oldest sample's time, or undefined. */
  get first(): number | undefined {
    return this.t[0];
  }
}

function key(device: string, quantity: Quantity, component?: string): string {
  return `${device}\u0000${quantity}\u0000${component ?? ''}`;
}

/**
 * Pruning runs once the oldest sample is this share of the retention past it, so that
 * each prune moves many samples at once (amortised O(1) per sample, not a shift per batch).
 */
const PRUNE_SLACK = 0.1;

export interface DeviceSeries {
  quantity: Quantity;
  component?: string;
  series: Series;
}

export class SampleStore {
  private readonly series = new Map<string, Series>();
  private readonly byDevice = new Map<string, DeviceSeries[]>();
  private batches = 0;

  /** @param retentionNs samples older than this (relative to the newest) are pruned; default 1 hour. */
  constructor(private readonly retentionNs = 3600e9) {}

  /** Changes whenever samples are added (for caches of what is derived from the store). */
  get version(): number {
    return this.batches;
  }

  add(samples: readonly Sample[]): void {
    let newest = -Infinity;
    for (const s of samples) {
      const k = key(s.device, s.quantity, s.component);
      let series = this.series.get(k);
      if (!series) {
        this.series.set(k, (series = new Series()));
        const list = this.byDevice.get(s.device) ?? [];
        list.push(s.component ? { quantity: s.quantity, component: s.component, series } : { quantity: s.quantity, series });
        this.byDevice.set(s.device, list);
      }
      series.push(s.t, s.value, s.mask);
      if (s.t > newest) newest = s.t;
    }
    this.batches++;
    if (!Number.isFinite(newest)) return;
    const horizon = newest - this.retentionNs;
    for (const s of this.series.values()) {
      const first = s.first;
      if (first !== undefined && first < horizon - this.retentionNs * PRUNE_SLACK) s.pruneBefore(horizon);
    }
  }

  get(device: string, quantity: Quantity, component?: string): Series | undefined {
    return this.series.get(key(device, quantity, component));
  }

  /** Every series of a device, with its quantity and component (in the order they first appeared). */
  seriesOf(device: string): readonly DeviceSeries[] {
    return this.byDevice.get(device) ?? [];
  }

  /** The newest value of a series, or undefined. */
  latest(device: string, quantity: Quantity, component?: string): { t: number; value: number } | undefined {
    const s = this.get(device, quantity, component);
    if (!s || s.length === 0) return undefined;
    return { t: s.t[s.length - 1]!, value: s.v[s.length - 1]! };
  }
}
