/**
 * Metric families as data: what an exporter scrape or a Pushgateway push
 * contains, built from snapshots (telemetry's latest values, the latest
 * results) and rendered by prom-client. Values are collected when asked for,
 * never by waiting on a device.
 */

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Cumulative counts at upper bounds (seconds), increasing; +Inf is added when rendering. */
  buckets: Array<[le: number, count: number]>;
  count: number;
  sum: number;
}

export type Family =
  | { name: string; help: string; type: 'gauge' | 'counter'; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; samples: HistogramSample[] };

/** A gauge or counter family; samples with non-finite values are dropped (missing, not zero). */
export function family(name: string, help: string, type: 'gauge' | 'counter', samples: Sample[]): Family {
  return { name, help, type, samples: samples.filter((s) => Number.isFinite(s.value)) };
}

/** Label values as strings, dropping empty ones. */
export function labels(values: Record<string, string | number | boolean | null | undefined>): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined && v !== '') out[k] = String(v);
  return out;
}
