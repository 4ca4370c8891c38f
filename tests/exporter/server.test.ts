/**
 * The exporter in-process over real HTTP(S): telemetry from the fake NVML
 * (loaded through FLOPMETER_NVML by the real FFI code), measurements on the
 * real CPU backend, promtool linting what it serves (TLS and basic auth:
 * server-auth.test.ts).
 */
import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exporter } from '../../src/exporter/server.js';
import { fakePath, hasCompiler } from '../fixtures/fakes.js';
import { requireComponent } from '../helpers.js';
import { exporterOptions as options, valueOf } from './in-process.js';
import { hasCommand, promtoolCheck } from './prometheus-tools.js';

describe('flopmeter serve, in-process with a fake NVML', () => {
  let exporter: Exporter;
  const savedNvml = process.env.FLOPMETER_NVML;

  beforeAll(async () => {
    if (!hasCompiler()) return;
    process.env.FLOPMETER_NVML = fakePath('nvml');
    exporter = await Exporter.start(options());
    // Let the sampler take its first readings.
    await new Promise((r) => setTimeout(r, 1000));
  });
  afterAll(async () => {
    await exporter?.stop();
    if (savedNvml === undefined) delete process.env.FLOPMETER_NVML;
    else process.env.FLOPMETER_NVML = savedNvml;
  });

  it('serves device telemetry at /metrics: power, energy counter, utilisation, clocks, throttle reasons, memory, identity', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const r = await fetch(`${exporter.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await r.text();
    const gpu0 = 'nvidia:0000:10:00.0';
    expect(valueOf(body, `flopmeter_device_power_watts{device="${gpu0}",component="device"}`)).toBe(250);
    expect(valueOf(body, `flopmeter_device_power_watts{device="nvidia:0000:11:00.0",component="device"}`)).toBe(300);
    expect(valueOf(body, `flopmeter_device_utilization_ratio{device="${gpu0}",component="device"}`)).toBe(0.5);
    expect(valueOf(body, `flopmeter_device_clock_hertz{device="${gpu0}",component="device"}`)).toBe(1.98e9);
    expect(valueOf(body, `flopmeter_device_temperature_celsius{device="${gpu0}",component="device"}`)).toBe(60);
    expect(valueOf(body, `flopmeter_device_memory_total_bytes{device="${gpu0}",component="device"}`)).toBe(80 * 2 ** 30);
    expect(valueOf(body, `flopmeter_device_power_limit_watts{device="${gpu0}"}`)).toBe(700);
    // The fake reports the SW power cap (0x4) active and nothing else: one series per reason.
    expect(valueOf(body, `flopmeter_device_throttle_reason_active{device="${gpu0}",reason="sw_power_cap"}`)).toBe(1);
    expect(valueOf(body, `flopmeter_device_throttle_reason_active{device="${gpu0}",reason="hw_slowdown"}`)).toBe(0);
    expect(body).toMatch(/flopmeter_device_info\{device="nvidia:0000:10:00\.0",name="NVIDIA Fake GPU 0",vendor="nvidia",pci_bus_id="0000:10:00\.0",uuid="GPU-[0-9a-f-]+"/);
    expect(body).toMatch(/flopmeter_compute_device_info\{device="cpu[^"]*",backend="cpu",name="[^"]+",telemetry_device="cpu0"\} 1/);
    expect(body).toMatch(/flopmeter_build_info\{version="\d+\.\d+\.\d+",commit="[^"]+",node="v\d+/);
    expect(body).toContain('# TYPE flopmeter_device_energy_joules_total counter');
    // The energy counter advances at the device's power between scrapes.
    const e1 = valueOf(body, `flopmeter_device_energy_joules_total{device="${gpu0}"}`)!;
    await new Promise((res) => setTimeout(res, 600));
    const e2 = valueOf(await (await fetch(`${exporter.url}/metrics`)).text(), `flopmeter_device_energy_joules_total{device="${gpu0}"}`)!;
    expect(e2).toBeGreaterThan(e1);
    // A sensor this host lacks is left out, not exported as zero (no RAPL here through FLOPMETER_NVML alone).
    expect(body).not.toMatch(/flopmeter_device_power_watts\{device="cpu0"[^}]*\} 0\n/);
  });

  it('reports its own health: scrape durations, sampler reads and errors', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    await fetch(`${exporter.url}/metrics`);
    const body = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(valueOf(body, 'flopmeter_exporter_scrape_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(body, 'flopmeter_sampler_reads_total{sampler="nvml"}')).toBeGreaterThan(0);
    expect(valueOf(body, 'flopmeter_sampler_errors_total{sampler="nvml"}')).toBe(0);
    expect(valueOf(body, 'flopmeter_measurement_running')).toBe(0);
    expect(body).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('passes promtool check metrics with no lint complaints', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    requireComponent(ctx, hasCommand('promtool'), 'promtool (Debian package prometheus)');
    const r = promtoolCheck(await (await fetch(`${exporter.url}/metrics`)).text());
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('serves OpenMetrics when the scraper asks for it', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const r = await fetch(`${exporter.url}/metrics`, { headers: { Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
    expect(r.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const body = await r.text();
    expect(body).toContain('# TYPE flopmeter_device_energy_joules counter');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  it('compresses scrapes with gzip when the scraper accepts it, as Prometheus does', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const r = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      httpGet(`${exporter.url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('Accept, Accept-Encoding');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(gunzipSync(r.body).toString()).toContain('flopmeter_device_power_watts');
  });

  it('answers /probe with 400 for unknown names (listing the valid ones) and bad presets', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const missing = await fetch(`${exporter.url}/probe`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toMatch(/probe=\.\.\. is required; valid: .*stream/);
    const bad = await fetch(`${exporter.url}/probe?probe=strem`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/unknown probe strem; valid: .*stream.*gemm/);
    const backend = await fetch(`${exporter.url}/probe?probe=stream&backend=tpu`);
    expect(backend.status).toBe(400);
    expect(await backend.text()).toMatch(/unknown backend tpu; valid: cpu/);
    const preset = await fetch(`${exporter.url}/probe?probe=stream&preset=fast`);
    expect(preset.status).toBe(400);
    expect(await preset.text()).toMatch(/valid: quick, standard, full/);
    const param = await fetch(`${exporter.url}/probe?probe=reduce&backend=cpu&param=reduce.n=-1`);
    expect(param.status).toBe(400);
  });

  it('runs one measurement at a time: a second /probe gets 429 with Retry-After, scrapes keep being served, the scraper’s timeout bounds the run', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const t0 = Date.now();
    const long = fetch(`${exporter.url}/probe?probe=stream&backend=cpu`, { headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '4' } });
    await new Promise((r) => setTimeout(r, 500));
    const second = await fetch(`${exporter.url}/probe?probe=launch-latency&backend=cpu`);
    expect(second.status).toBe(429);
    const retry = Number(second.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(4);
    expect(await second.text()).toMatch(/already running \(probe: stream\)/);
    // A scrape while the measurement runs: answered, and it says a measurement is running.
    const during = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(valueOf(during, 'flopmeter_measurement_running')).toBe(1);
    const r = await long;
    const seconds = (Date.now() - t0) / 1000;
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(valueOf(body, 'probe_success')).toBe(0);
    // Stopped at the scraper's timeout less a margin (3.5 s), plus the time to wind down a window.
    expect(seconds).toBeLessThan(12);
    const after = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(valueOf(after, 'flopmeter_measurements_total{trigger="probe",outcome="timed_out"}')).toBe(1);
    expect(valueOf(after, 'flopmeter_measurement_running')).toBe(0);
  });

  it('measures on demand: /probe returns the result’s metrics, and /metrics shows it from then on', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const r = await fetch(`${exporter.url}/probe?probe=launch-latency&backend=cpu&preset=quick`);
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(valueOf(body, 'probe_success')).toBe(1);
    expect(valueOf(body, 'probe_duration_seconds')).toBeGreaterThan(0);
    expect(body).toMatch(/flopmeter_probe_throughput_items_per_second\{device="[^"]+",backend="cpu",probe="launch-latency"\} \d/);
    expect(body).toMatch(/flopmeter_probe_latency_seconds_bucket\{device="[^"]+",backend="cpu",probe="launch-latency",le="\+Inf"\} \d+/);
    expect(body).not.toContain('flopmeter_device_power_watts');
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(metrics).toMatch(/flopmeter_probe_info\{device="[^"]+",backend="cpu",probe="launch-latency",engine="[^"]+",status="completed"/);
    expect(metrics).toMatch(/flopmeter_probe_latency_seconds_count\{device="[^"]+",backend="cpu",probe="launch-latency"\} \d+/);
    expect(valueOf(metrics, 'flopmeter_measurements_total{trigger="probe",outcome="completed"}')).toBe(1);
    if (hasCommand('promtool')) expect(promtoolCheck(body).output).toBe('');
  });

  it('serves an index page listing its endpoints and devices, 404 elsewhere, and only GET', async (ctx) => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (for the fake NVML)');
    const page = await (await fetch(`${exporter.url}/`)).text();
    expect(page).toContain('<a href="metrics">/metrics</a>');
    expect(page).toContain('/probe?probe=');
    expect(page).toContain('NVIDIA Fake GPU 0');
    expect(page).toContain('0000:10:00.0');
    expect((await fetch(`${exporter.url}/nope`)).status).toBe(404);
    const post = await fetch(`${exporter.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
