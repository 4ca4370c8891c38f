/**
 * Renders families through prom-client registries: the Prometheus text format
 * by default, OpenMetrics when the scraper asks for it. prom-client appends
 * `_total` to counter samples itself in OpenMetrics, so a counter family is
 * named with `_total` for the text format and without it for OpenMetrics.
 */
import client, { Registry, type Metric, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client';
import type { Family } from './family.js';

export type Format = 'prometheus' | 'openmetrics';

/** prom-client default metrics whose names break Prometheus conventions (gauges named "_total"). */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A prom-client metric whose values come from a function at collection time. */
class FamilyMetric {
  constructor(
    readonly name: string,
    private readonly source: () => Family | undefined,
    private readonly format: Format,
  ) {}

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const f = this.source();
    const base = { name: this.name, help: f?.help ?? '', aggregator: 'sum' as const, collect: () => undefined };
    if (!f) return { ...base, type: 'gauge' as unknown as MetricType, values: [] };
    if (f.type !== 'histogram') {
      return {
        ...base,
        type: f.type as unknown as MetricType,
        values: f.samples.map((s) => ({ labels: s.labels, value: s.value, metricName: f.type === 'counter' && this.format === 'prometheus' ? this.name : undefined })) as MetricValueWithName<string>[],
      };
    }
    const values: MetricValueWithName<string>[] = [];
    for (const s of f.samples) {
      for (const [le, count] of s.buckets) values.push({ labels: { ...s.labels, le: String(le) }, value: count, metricName: `${f.name}_bucket` });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${f.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${f.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${f.name}_count` });
    }
    return { ...base, type: 'histogram' as unknown as MetricType, values };
  }

  // prom-client calls these on registered metrics; a family has nothing to reset.
  reset(): void {}
  labels(): this {
    return this;
  }
  remove(): void {}
}

/** The family name as a format spells it: counters carry `_total` in the text format only. */
function nameIn(f: { name: string; type: string }, format: Format): string {
  if (f.type !== 'counter') return f.name;
  const bare = f.name.replace(/_total$/, '');
  return format === 'prometheus' ? `${bare}_total` : bare;
}

/**
 * A registry pair whose families are produced at scrape time by `collect`,
 * plus prom-client's process and Node.js metrics (CPU, memory, event-loop delay).
 */
export class Exposition {
  private readonly registries: Record<Format, Registry> = {
    prometheus: new Registry(),
    openmetrics: new (Registry as unknown as new (contentType: string) => Registry)(Registry.OPENMETRICS_CONTENT_TYPE),
  };
  private snapshot = new Map<string, Family>();

  constructor(
    private readonly collect: () => Family[],
    options: { processMetrics: boolean } = { processMetrics: true },
  ) {
    if (options.processMetrics) {
      for (const r of Object.values(this.registries)) {
        // 1 ms event-loop sampling: the delay percentiles are what a scrape waits behind.
        client.collectDefaultMetrics({ register: r, eventLoopMonitoringPrecision: 1 });
        // prom-client names these gauges with "_total", which promtool rightly flags.
        for (const name of LINT_FAILING_DEFAULTS) r.removeSingleMetric(name);
      }
    }
  }

  /** The prom-client registry of a format (populated by the last render). */
  registryFor(format: Format): Registry {
    return this.registries[format];
  }

  /** Renders one scrape; families declared since the last scrape are registered first. */
  async render(format: Format): Promise<{ contentType: string; body: string }> {
    this.snapshot = new Map(this.collect().map((f) => [f.name, f]));
    for (const [fmt, registry] of Object.entries(this.registries) as Array<[Format, Registry]>) {
      for (const f of this.snapshot.values()) {
        const name = nameIn(f, fmt);
        if (!registry.getSingleMetric(name)) registry.registerMetric(new FamilyMetric(name, () => this.snapshot.get(f.name), fmt) as unknown as Metric<string>);
      }
    }
    const registry = this.registries[format];
    let body = await registry.metrics();
    if (format === 'openmetrics' && !body.endsWith('# EOF\n')) body = `${body.trimEnd()}\n# EOF\n`;
    return { contentType: registry.contentType, body };
  }
}

/** Which format an Accept header asks for. */
export function negotiate(accept: string | undefined): Format {
  return accept && /application\/openmetrics-text/.test(accept) ? 'openmetrics' : 'prometheus';
}
