import { describe, expect, it } from 'vitest';
import { family, labels, type Family } from '../../src/exporter/family.js';
import { Exposition, negotiate } from '../../src/exporter/registry.js';
import { requireComponent } from '../helpers.js';
import { hasCommand, promtoolCheck } from './prometheus-tools.js';

const sample: Family[] = [
  family('demo_power_watts', 'Power.', 'gauge', [
    { labels: { device: 'gpu0' }, value: 251.5 },
    { labels: { device: 'gpu1' }, value: Number.NaN },
  ]),
  family('demo_energy_joules_total', 'Energy.', 'counter', [{ labels: { device: 'gpu0' }, value: 1234.5 }]),
  {
    name: 'demo_latency_seconds',
    help: 'Latency.',
    type: 'histogram',
    samples: [{ labels: { probe: 'x' }, buckets: [[0.001, 3], [0.002, 9]], count: 10, sum: 0.015 }],
  },
];

describe('Exposition', () => {
  it('renders gauges, counters and histograms in the Prometheus text format, dropping non-finite values', async () => {
    const { contentType, body } = await new Exposition(() => sample, { processMetrics: false }).render('prometheus');
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE demo_power_watts gauge\n');
    expect(body).toContain('demo_power_watts{device="gpu0"} 251.5\n');
    expect(body).not.toContain('gpu1');
    expect(body).toContain('# TYPE demo_energy_joules_total counter\n');
    expect(body).toContain('demo_energy_joules_total{device="gpu0"} 1234.5\n');
    expect(body).toContain('demo_latency_seconds_bucket{probe="x",le="0.001"} 3\n');
    expect(body).toContain('demo_latency_seconds_bucket{probe="x",le="+Inf"} 10\n');
    expect(body).toContain('demo_latency_seconds_sum{probe="x"} 0.015\n');
    expect(body).toContain('demo_latency_seconds_count{probe="x"} 10\n');
  });

  it('renders OpenMetrics, counters named without _total in their TYPE line, ending in # EOF', async () => {
    const { contentType, body } = await new Exposition(() => sample, { processMetrics: false }).render('openmetrics');
    expect(contentType).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(body).toContain('# TYPE demo_energy_joules counter\n');
    expect(body).toContain('demo_energy_joules_total{device="gpu0"} 1234.5\n');
    expect(body.endsWith('# EOF\n')).toBe(true);
    expect(body.match(/# EOF/g)).toHaveLength(1);
  });

  it('collects at render time: values change between scrapes, and families appear when they first have data', async () => {
    let watts = 100;
    let extra = false;
    const e = new Exposition(() => [family('demo_power_watts', 'Power.', 'gauge', [{ labels: {}, value: watts }]), ...(extra ? [family('demo_new_ratio', 'New.', 'gauge', [{ labels: {}, value: 0.5 }])] : [])], { processMetrics: false });
    expect((await e.render('prometheus')).body).toContain('demo_power_watts 100\n');
    watts = 120;
    extra = true;
    const body = (await e.render('prometheus')).body;
    expect(body).toContain('demo_power_watts 120\n');
    expect(body).toContain('demo_new_ratio 0.5\n');
  });

  it('includes process and Node.js metrics, without the defaults that break naming conventions', async () => {
    const { body } = await new Exposition(() => sample).render('prometheus');
    expect(body).toContain('process_cpu_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(body).not.toContain('nodejs_active_handles_total');
  });

  // promtool parses the text format only (OpenMetrics is checked by a real Prometheus, which asks for it, in the e2e test).
  it('passes promtool check metrics with no lint complaints', async (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const r = promtoolCheck((await new Exposition(() => sample).render('prometheus')).body);
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('promtool does flag a family that breaks the conventions (the check can fail)', async (ctx) => {
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const bad = new Exposition(() => [family('demo_requests', 'A counter without _total.', 'gauge', [{ labels: {}, value: 1 }]), family('demo_bytes_total', 'A gauge named like a counter.', 'gauge', [{ labels: {}, value: 1 }])], { processMetrics: false });
    const r = promtoolCheck((await bad.render('prometheus')).body);
    expect(r.output).toMatch(/non-counter metrics should not have "_total" suffix/);
  });
});

describe('negotiate and labels', () => {
  it('serves OpenMetrics only when the Accept header asks for it', () => {
    expect(negotiate('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')).toBe('openmetrics');
    expect(negotiate('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiate(undefined)).toBe('prometheus');
  });

  it('turns values into label strings and drops empty ones', () => {
    expect(labels({ a: 1, b: true, c: '', d: null, e: undefined, f: 'x' })).toEqual({ a: '1', b: 'true', f: 'x' });
  });
});
