/**
 * The latest probe results as metric families: throughput, work per joule,
 * energy per unit of work with their 95 % bounds, power, and the latency
 * distribution as a histogram whose buckets are chosen from the result's own
 * range (on a fixed grid of powers of √2 seconds, so that repeated results of a
 * probe keep the same bucket bounds), all of one exporter's histograms reaching
 * the same top bucket so that `sum by (le)` over its results stays cumulative.
 */
import { LatencyHistogram } from '../core/histogram.js';
import type { Result } from '../measure/result.js';
import { family, labels, type Family, type HistogramSample, type Labels, type Sample } from './family.js';

/** Unit of work → the word used in metric names. */
const UNIT_WORD: Record<string, string> = { FLOP: 'flop', byte: 'bytes', item: 'items', sample: 'samples' };

/** Labels that identify a result: where it ran, the probe, and its parameters. */
export function resultLabels(r: Result): Labels {
  // An external command counts its work in its own unit (--work-unit): the metric names say "units", this label which.
  return labels({ device: r.device, backend: r.backend, probe: r.probe, ...r.params, ...(r.external ? { work_unit: r.work.unit } : {}) });
}

/** Bucket bounds 2^(k/2) s covering [min, max], one step beyond each end. */
export function latencyBuckets(minSeconds: number, maxSeconds: number): number[] {
  const lo = Math.floor(2 * Math.log2(minSeconds)) - 1;
  const hi = Math.ceil(2 * Math.log2(maxSeconds)) + 1;
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(Number((2 ** (k / 2)).toPrecision(6)));
  return out;
}

const histogramCache = new WeakMap<Result, { topSeconds: number; sample: HistogramSample }>();

/**
 * The result's latency as a Prometheus histogram (computed once per result and
 * top). Its buckets reach at least `topSeconds`: a bucket missing from one
 * series would count as zero in a sum over series, where its true value is
 * that series' whole count.
 */
export function latencyHistogram(r: Result, topSeconds = 0): HistogramSample | null {
  if (!r.latency) return null;
  const cached = histogramCache.get(r);
  if (cached?.topSeconds === topSeconds) return cached.sample;
  let entries: Array<[number, number]>;
  try {
    entries = LatencyHistogram.entriesOf(r.latency.histogram);
  } catch {
    // A histogram that does not decode (the schema asks only for a string) leaves the percentiles as the only latency figures.
    return null;
  }
  const bounds = latencyBuckets(r.latency.min, Math.max(r.latency.max, topSeconds));
  let i = 0;
  let cumulative = 0;
  const buckets: Array<[number, number]> = bounds.map((le) => {
    while (i < entries.length && entries[i]![0] <= le * (1 + 1e-9)) cumulative += entries[i++]![1];
    return [le, cumulative];
  });
  const sample: HistogramSample = { labels: resultLabels(r), buckets, count: r.latency.count, sum: r.latency.mean * r.latency.count };
  histogramCache.set(r, { topSeconds, sample });
  return sample;
}

/** One gauge family per (kind, unit) with lower and upper 95 % bounds beside it. */
function withBounds(families: Map<string, { help: string; samples: Sample[] }>, name: string, help: string, l: Labels, e: { value: number; ci95: [number, number] } | null | undefined): void {
  if (!e) return;
  for (const [suffix, value, h] of [
    ['', e.value, help],
    ['_ci95_low', e.ci95[0], `${help} Lower end of the 95 % interval.`],
    ['_ci95_high', e.ci95[1], `${help} Upper end of the 95 % interval.`],
  ] as const) {
    const key = `${name}${suffix}`;
    const f = families.get(key) ?? { help: h, samples: [] };
    f.samples.push({ labels: l, value });
    families.set(key, f);
  }
}

export function resultFamilies(results: ReadonlyArray<{ result: Result; at: number }>): Family[] {
  const gauges = new Map<string, { help: string; samples: Sample[] }>();
  const info: Sample[] = [];
  const timestamps: Sample[] = [];
  const power: Sample[] = [];
  const idle: Sample[] = [];
  const percentiles: Sample[] = [];
  const histograms: HistogramSample[] = [];
  const topSeconds = Math.max(0, ...results.map(({ result: r }) => (r.status === 'completed' && r.latency ? r.latency.max : 0)));
  for (const { result: r, at } of results) {
    const l = resultLabels(r);
    info.push({ labels: labels({ ...l, engine: r.engine, status: r.status, converged: r.throughput ? String(r.throughput.converged) : null, definition_hash: r.definitionHash }), value: 1 });
    timestamps.push({ labels: l, value: at / 1000 });
    if (r.status !== 'completed') continue;
    const u = UNIT_WORD[r.work.unit] ?? 'units';
    withBounds(gauges, `flopmeter_probe_throughput_${u}_per_second`, `Throughput in ${u} per second.`, l, r.throughput);
    withBounds(gauges, `flopmeter_probe_efficiency_${u}_per_joule`, `Work per joule (${u} per joule).`, l, r.efficiency);
    withBounds(gauges, `flopmeter_probe_dynamic_efficiency_${u}_per_joule`, `Work per joule above idle power (${u} per joule).`, l, r.efficiency?.dynamic);
    withBounds(gauges, `flopmeter_probe_energy_joules_per_${u === 'bytes' ? 'byte' : u === 'items' ? 'item' : u === 'samples' ? 'sample' : u === 'units' ? 'unit' : u}`, 'Energy per unit of work.', l, r.energy?.perUnit);
    if (r.power) power.push({ labels: l, value: r.power.value });
    if (r.power?.idleWatts !== null && r.power?.idleWatts !== undefined) idle.push({ labels: l, value: r.power.idleWatts });
    if (r.latency) {
      for (const [q, v] of [['50', r.latency.p50], ['90', r.latency.p90], ['99', r.latency.p99], ['99.9', r.latency.p999]] as const) percentiles.push({ labels: { ...l, percentile: q }, value: v });
      const h = latencyHistogram(r, topSeconds);
      if (h) histograms.push(h);
    }
  }
  return [
    family('flopmeter_probe_info', 'A probe result: its engine, status, whether it converged, and its definition hash.', 'gauge', info),
    family('flopmeter_probe_timestamp_seconds', 'When the result was measured (Unix time).', 'gauge', timestamps),
    ...[...gauges.entries()].map(([name, f]) => family(name, f.help, 'gauge', f.samples)),
    family('flopmeter_probe_power_watts', 'Mean power during the result’s windows.', 'gauge', power),
    family('flopmeter_probe_idle_power_watts', 'Power with no work running, before the result.', 'gauge', idle),
    family('flopmeter_probe_latency_percentile_seconds', 'Iteration latency percentiles (exact, from every iteration).', 'gauge', percentiles),
    { name: 'flopmeter_probe_latency_seconds', help: 'Iteration latency distribution.', type: 'histogram', samples: histograms },
  ];
}
