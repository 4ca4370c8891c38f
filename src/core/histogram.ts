/**
 * Latency distribution of iterations: an HdrHistogram (3 significant digits,
 * i.e. every recorded value within 0.1 %) whose memory is bounded by the
 * value range, not by how many iterations are recorded. Values are recorded
 * in integer nanoseconds and reported in seconds.
 */
import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';

/**
 * hdr-histogram-js, loaded on first use: its ~50 CommonJS files take longer to
 * load than Node.js takes to start, and modules that import this one only for
 * a type or a chart (`flopmeter report FILE` as text) must not wait for them.
 */
let library: typeof Hdr | undefined;
function hdr(): typeof Hdr {
  return (library ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof Hdr);
}

/** Significant digits kept: 3 bounds the value error at 0.1 % with a few hundred KiB at most. */
const SIGNIFICANT_DIGITS = 3;

/** Percentile summary of a latency distribution, in seconds. */
export interface LatencyStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

export class LatencyHistogram {
  private readonly h: Hdr.Histogram;

  constructor(existing?: Hdr.Histogram) {
    this.h =
      existing ??
      hdr().build({
        bitBucketSize: 'packed',
        lowestDiscernibleValue: 1,
        highestTrackableValue: 2,
        autoResize: true,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      });
  }

  /** Decodes a histogram from `encode()` (compressed base64, the HdrHistogram interchange format). */
  static decode(encoded: string): LatencyHistogram {
    const h = hdr().decodeFromCompressedBase64(encoded, 'packed', false);
    h.autoResize = true; // a decoded histogram must still take wider values when merged into
    return new LatencyHistogram(h);
  }

  /** An encoded histogram's [valueSeconds, count] pairs (see entries()); throws when it does not decode. */
  static entriesOf(encoded: string): Array<[number, number]> {
    const h = LatencyHistogram.decode(encoded);
    try {
      return h.entries();
    } finally {
      h.destroy();
    }
  }

  /** Records one value in nanoseconds (rounded; at least 1 ns). */
  recordNs(ns: number): void {
    this.h.recordValue(Math.max(1, Math.round(ns)));
  }

  /** Records one value in seconds. */
  recordSeconds(seconds: number): void {
    this.recordNs(seconds * 1e9);
  }

  /** Adds every value of another histogram. */
  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** The value at percentile p (0–100), in seconds. */
  percentileSeconds(p: number): number {
    return this.h.getValueAtPercentile(p) / 1e9;
  }

  /**
   * Recorded values as [valueSeconds, count] pairs in increasing order (each
   * value is the highest equivalent value of its HdrHistogram bucket).
   */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (!(this.h instanceof hdr().JsHistogram)) throw new Error('LatencyHistogram: iteration needs a JavaScript histogram');
    const it = this.h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      out.push([v.valueIteratedTo / 1e9, v.countAddedInThisIterationStep]);
    }
    return out;
  }

  stats(): LatencyStats | null {
    if (this.h.totalCount === 0) return null;
    return {
      count: this.h.totalCount,
      min: this.h.minNonZeroValue / 1e9,
      max: this.h.maxValue / 1e9,
      mean: this.h.mean / 1e9,
      p50: this.percentileSeconds(50),
      p90: this.percentileSeconds(90),
      p99: this.percentileSeconds(99),
      p999: this.percentileSeconds(99.9),
    };
  }

  /** Compressed base64 (HdrHistogram V2 encoding), readable by every HdrHistogram implementation. */
  encode(): string {
    return hdr().encodeIntoCompressedBase64(this.h);
  }

  destroy(): void {
    this.h.destroy();
  }
}
