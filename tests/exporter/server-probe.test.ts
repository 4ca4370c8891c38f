/**
 * /probe under hostile requests, in-process over real HTTP on the real CPU
 * backend: sizes over --probe-max-bytes refused with a 400 naming it, unknown
 * or repeated query parameters refused, and a measurement whose preparation
 * alone outlasts its timeout cut there while scrapes and a second /probe are
 * answered at once and the memory it took is given back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exporter } from '../../src/exporter/server.js';
import { exporterOptions, valueOf } from './in-process.js';
import { waitFor } from './prometheus-tools.js';

/** Enough for reduce at 2^25 floats (256 MiB by its count), which takes seconds to prepare here, and GEMM at n = 4096 (384 MiB). */
const MAX_BYTES = 512 * 2 ** 20;
/** --probe-timeout; requests shorten it through the scraper's timeout header. */
const TIMEOUT_SECONDS = 10;
/** A scraper's timeout shorter than preparing that reduce (it leaves half a second): the cut falls in setup. */
const SHORT = { 'X-Prometheus-Scrape-Timeout-Seconds': '1.5' };

/** Resident memory of this process, bytes. */
const rss = (): number => process.memoryUsage().rss;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = Date.now();
  const value = await work();
  return { value, seconds: (Date.now() - t0) / 1000 };
}

describe('/probe bounded in size, parameters and time', () => {
  let exporter: Exporter;
  const probe = (query: string, headers: Record<string, string> = {}): Promise<Response> => fetch(`${exporter.url}/probe?${query}`, { headers });

  beforeAll(async () => {
    exporter = await Exporter.start(exporterOptions({ probeMaxBytes: MAX_BYTES, probeTimeoutSeconds: TIMEOUT_SECONDS }));
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it('refuses a size over --probe-max-bytes with a 400 naming the option, before measuring anything', async () => {
    const r = await probe('probe=gemm&backend=cpu&param=gemm.n%3D16384');
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/gemm dtype=f32 n=16384 needs 6\.0 GiB of host memory, over the exporter's --probe-max-bytes 512\.0 MiB/);
    // A preset's sizes count too.
    const full = await probe('probe=stream&backend=cpu&preset=full');
    expect(full.status).toBe(400);
    expect(await full.text()).toMatch(/--probe-max-bytes/);
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(metrics).not.toMatch(/flopmeter_measurements_total\{trigger="probe"/);
  });

  it('refuses unknown and repeated query parameters, saying which', async () => {
    const cases: Array<[string, RegExp]> = [
      ['probe=reduce&target=node1', /unknown query parameter target; valid: probe, backend, device, preset, param/],
      ['probe=reduce&preset=quick&preset=full', /preset is given more than once \(quick, full\)/],
      ['probe=reduce,reduce', /probe=reduce is given more than once/],
      ['probe=reduce&backend=cpu&backend=cpu', /backend=cpu is given more than once/],
      ['probe=reduce&param=reduce.n%3D4096&param=reduce.n%3D8192', /param reduce\.n is given more than once/],
    ];
    for (const [query, message] of cases) {
      const r = await probe(query);
      expect(r.status, query).toBe(400);
      expect(await r.text(), query).toMatch(message);
    }
  });

  it('cuts a measurement at its timeout even in setup, answering scrapes and a second /probe meanwhile', async () => {
    const slow = timed(() => probe('probe=reduce&backend=cpu&param=reduce.n%3D2%5E25', SHORT));
    await new Promise((r) => setTimeout(r, 300));
    const second = await timed(() => probe('probe=launch-latency&backend=cpu'));
    expect(second.value.status).toBe(429);
    expect(second.seconds).toBeLessThan(1);
    for (let i = 0; i < 5; i++) {
      const scrape = await timed(() => fetch(`${exporter.url}/metrics`));
      expect(scrape.value.status).toBe(200);
      expect(scrape.seconds).toBeLessThan(1);
    }
    const { value: r, seconds } = await slow;
    expect(r.status).toBe(200);
    const body = await r.text();
    expect(valueOf(body, 'probe_success')).toBe(0);
    expect(body).toMatch(/flopmeter_probe_info\{[^}]*probe="reduce"[^}]*status="aborted"/);
    // The timeout, and time to wind down: far less than preparing and measuring would take.
    expect(seconds).toBeLessThan(1 + 5);
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(valueOf(metrics, 'flopmeter_measurements_total{trigger="probe",outcome="timed_out"}')).toBe(1);
    expect(valueOf(metrics, 'flopmeter_measurement_running')).toBe(0);
  });

  it('answers at its timeout even while one kernel iteration runs on, counting it as running until it ends', async () => {
    const saved = process.env.FLOPMETER_BLAS;
    // Flopmeter's own WebAssembly GEMM: one iteration at n = 4096 takes far longer than the timeout here.
    process.env.FLOPMETER_BLAS = 'none';
    try {
      const { value: r, seconds } = await timed(() => probe('probe=gemm&backend=cpu&param=gemm.n%3D4096', { 'X-Prometheus-Scrape-Timeout-Seconds': '4' }));
      expect(r.status).toBe(200);
      expect(valueOf(await r.text(), 'probe_success')).toBe(0);
      // 3.5 s of timeout, 5 s to wind down, and slack for this shared machine.
      expect(seconds).toBeLessThan(3.5 + 5 + 3);
      const busy = await probe('probe=launch-latency&backend=cpu');
      if (busy.status === 429) {
        expect(await busy.text()).toMatch(/already running \(probe: gemm\)/);
        const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
        expect(valueOf(metrics, 'flopmeter_measurement_running')).toBe(1);
      }
      await waitFor('the abandoned iteration to end', async () => (valueOf(await (await fetch(`${exporter.url}/metrics`)).text(), 'flopmeter_measurement_running') === 0 ? true : undefined), 90_000);
    } finally {
      if (saved === undefined) delete process.env.FLOPMETER_BLAS;
      else process.env.FLOPMETER_BLAS = saved;
    }
  });

  it('gives back the memory a measurement took', async () => {
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
    // 3 × 32 MiB of inputs, as much again in the kernel's buffers, a reference and a copy of the output; cut while measuring.
    const r = await probe('probe=stream&backend=cpu&param=stream.op%3Dtriad&param=stream.n%3D2%5E22', { 'X-Prometheus-Scrape-Timeout-Seconds': '4' });
    expect(r.status).toBe(200);
    await r.text();
    await new Promise((res) => setTimeout(res, 2000));
    clearInterval(sampler);
    expect(peak - before).toBeGreaterThan(150 * 2 ** 20);
    expect(rss() - before).toBeLessThan(64 * 2 ** 20);
  });
});
