/**
 * The exporter in a real Prometheus setup: Prometheus (started here on a
 * loopback port with a generated config) scrapes two `flopmeter serve`
 * processes standing in for two nodes (each with the fake GPU stack of
 * tests/fixtures on LD_LIBRARY_PATH, at different power draws), the /probe
 * endpoint blackbox-style, and a Pushgateway fed by `flopmeter run --push`.
 * Then every PromQL expression of every dashboard is evaluated through
 * Prometheus's HTTP API, template variables substituted, and must return data.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { removeDir, requireComponent, runCli, tempDir } from '../helpers.js';
import { freePort, hasCommand, startDaemon, startServe, waitFor, type Daemon, type ServeDaemon } from '../exporter/prometheus-tools.js';
import { loadDashboards, previewDashboard, substitute } from '../../scripts/dashboard-preview.js';

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(prom: string, expr: string): Promise<VectorSample[]> {
  const r = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { status: string; error?: string; data: { resultType: string; result: VectorSample[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

const GPU_ENV = (dir: string, watts: number): Record<string, string> => ({
  LD_LIBRARY_PATH: fakeLibraryPath('nvml', 'cuda', 'nvrtc', 'cublas'),
  FLOPMETER_CACHE_DIR: join(dir, 'cuda-cache'),
  FAKE_NVML_POWER_W: String(watts),
});

describe('a real Prometheus scraping two exporters and a Pushgateway', () => {
  let dir = '';
  let nodeA: ServeDaemon | undefined;
  let nodeB: ServeDaemon | undefined;
  let pushgateway: Daemon | undefined;
  let prometheus: Daemon | undefined;
  let ready = false;

  beforeAll(async () => {
    if (!hasCompiler() || !hasCommand('prometheus') || !hasCommand('prometheus-pushgateway')) return;
    dir = tempDir('prom-e2e-');
    const [pushPort, promPort] = [await freePort(), await freePort()];
    [nodeA, nodeB, pushgateway] = await Promise.all([
      startServe(['--enable-probe-endpoint', '--backend', 'cuda', '--sample-hz', '20'], GPU_ENV(dir, 250)),
      // Node B measures on a schedule (its first run 5 s after start) and answers Prometheus's /probe job.
      startServe(['--enable-probe-endpoint', '--backend', 'cuda', '--schedule', 'launch-latency every 1m'], GPU_ENV(dir, 400)),
      startDaemon('prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${pushPort}`], pushPort, '/-/ready'),
    ]);
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        { job_name: 'flopmeter', static_configs: [{ targets: [nodeA.instance, nodeB.instance] }] },
        { job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${pushPort}`] }] },
        {
          job_name: 'flopmeter-probe',
          metrics_path: '/probe',
          params: { probe: ['launch-latency'], backend: ['cuda'] },
          scrape_interval: '10s',
          scrape_timeout: '10s',
          static_configs: [{ targets: [nodeB.instance] }],
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    prometheus = await startDaemon('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], promPort, '/-/ready');
    ready = true;
  });

  afterAll(async () => {
    await Promise.all([nodeA, nodeB, prometheus, pushgateway].filter((x): x is Daemon => x !== undefined).map((x) => x.stop()));
    if (dir) removeDir(dir);
  });

  const require = (ctx: Parameters<typeof requireComponent>[0]): void => {
    requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake GPU stack');
    requireComponent(ctx, hasCommand('prometheus'), 'prometheus (Debian package prometheus)');
    requireComponent(ctx, hasCommand('prometheus-pushgateway'), 'prometheus-pushgateway (Debian package)');
    expect(ready).toBe(true);
  };

  it('measures on node A through /probe and pushes a batch run to the Pushgateway', async (ctx) => {
    require(ctx);
    const params = ['stream.n=2^14', 'stream.op=triad', 'stream.dtype=f32', 'gemm.n=64', 'gemm.dtype=f32'].map((p) => `param=${encodeURIComponent(p)}`).join('&');
    const [probe, push] = await Promise.all([
      fetch(`${nodeA!.url}/probe?probe=stream,gemm,launch-latency&backend=cuda&${params}`).then(async (r) => ({ status: r.status, body: await r.text() })),
      runCli(['run', '-b', 'cpu', '-p', 'reduce', '--preset', 'quick', '--windows', '3', '--param', 'reduce.n=2^20', '--threads', '2', '-o', join(dir, 'batch.json'), '--push', pushgateway!.url, '--push-instance', 'batch-node-1']),
    ]);
    expect(probe.status).toBe(200);
    expect(probe.body).toMatch(/^probe_success 1$/m);
    expect(probe.body).toMatch(/flopmeter_probe_efficiency_flop_per_joule\{device="cuda0",backend="cuda",probe="gemm"/);
    expect(push.stderr).toMatch(/pushed 1 results to http:\/\/127\.0\.0\.1:\d+ \(job flopmeter\)/);
    expect(push.code).toBe(0);
    const pushed = await (await fetch(`${pushgateway!.url}/metrics`)).text();
    expect(pushed).toMatch(/flopmeter_probe_throughput_bytes_per_second\{backend="cpu",device="[^"]+",instance="batch-node-1",job="flopmeter",n="1048576",probe="reduce"\}/);
  });

  it('scrapes every target successfully (OpenMetrics, as Prometheus asks for it)', async (ctx) => {
    require(ctx);
    const up = await waitFor('every target up', async () => {
      const r = await query(prometheus!.url, 'up');
      return r.length === 4 && r.every((s) => s.value[1] === '1') ? r : undefined;
    }, 60_000);
    expect(up.map((s) => s.metric.job).sort()).toEqual(['flopmeter', 'flopmeter', 'flopmeter-probe', 'pushgateway']);
    const targets = (await (await fetch(`${prometheus!.url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ scrapePool: string; lastError: string; health: string }> } };
    for (const t of targets.data.activeTargets.filter((x) => x.scrapePool === 'flopmeter')) expect(t.lastError).toBe('');
    // The two nodes' GPUs at their own power.
    const power = await query(prometheus!.url, 'flopmeter_device_power_watts{component="device", device="nvidia:0000:10:00.0"}');
    expect(Object.fromEntries(power.map((s) => [s.metric.instance, Number(s.value[1])]))).toEqual({ [nodeA!.instance]: 250, [nodeB!.instance]: 400 });
    // Node B's blackbox-style /probe job measured through Prometheus.
    const probe = await waitFor('a successful /probe scrape', async () => {
      const r = await query(prometheus!.url, 'probe_success{job="flopmeter-probe"} == 1');
      return r.length ? r : undefined;
    }, 60_000);
    expect(probe[0]!.metric.instance).toBe(nodeB!.instance);
  });

  it('node B’s schedule measures in the background while it keeps answering scrapes', async (ctx) => {
    require(ctx);
    const r = await waitFor('a scheduled measurement', async () => {
      const x = await query(prometheus!.url, `flopmeter_measurements_total{instance="${nodeB!.instance}", trigger="schedule", outcome="completed"}`);
      return x.length ? x : undefined;
    }, 60_000);
    expect(Number(r[0]!.value[1])).toBeGreaterThanOrEqual(1);
    // Every scrape of node B succeeded, measurement or not, and there were many of them.
    const worst = await query(prometheus!.url, `min_over_time(up{instance="${nodeB!.instance}", job="flopmeter"}[5m])`);
    expect(worst[0]!.value[1]).toBe('1');
    const scrapes = await query(prometheus!.url, `count_over_time(up{instance="${nodeB!.instance}", job="flopmeter"}[5m])`);
    expect(Number(scrapes[0]!.value[1])).toBeGreaterThanOrEqual(8);
  });

  it('every PromQL expression in every dashboard returns data, with "All" and with one instance and device chosen', async (ctx) => {
    require(ctx);
    const all = { instance: ['.*'], device: ['.*'], probe: ['.*'] };
    const chosen: Record<string, Record<string, string[]>> = {
      // Node A, and its GPU as NVML names it (the fleet and device dashboards) or as CUDA does (results).
      'flopmeter — fleet overview': { instance: [nodeA!.instance], device: ['nvidia:0000:10:00.0'] },
      'flopmeter — device detail': { instance: [nodeA!.instance], device: ['nvidia:0000:10:00.0'] },
      'flopmeter — probe results': { instance: [nodeA!.instance, 'batch-node-1'], device: ['cuda0'], probe: ['.*'] },
    };
    const list = loadDashboards();
    expect(list.length).toBe(3);
    const failures: string[] = [];
    let evaluated = 0;
    // Rate-based panels need a few scrapes after the measurements: retry the empty ones for a while.
    await waitFor(
      'every dashboard query to return data',
      async () => {
        failures.length = 0;
        evaluated = 0;
        for (const d of list) {
          for (const v of d.templating.list) {
            if (!v.definition) continue;
            const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.definition);
            if (!m) {
              failures.push(`${d.title} / variable ${v.name}: not label_values(...): ${v.definition}`);
              continue;
            }
            const r = await query(prometheus!.url, substitute(m[1]!, all)).catch((err: Error) => err);
            evaluated++;
            if (r instanceof Error || !r.some((s) => s.metric[m[2]!] !== undefined)) failures.push(`${d.title} / variable ${v.name}: ${v.definition}${r instanceof Error ? `: ${r.message}` : ''}`);
          }
          // "All" where a variable allows it; the chosen value where it takes only one.
          const allOrOne = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, d.templating.list.find((x) => x.name === k)?.includeAll === false ? chosen[d.title]![k]! : v]));
          for (const vars of [allOrOne, chosen[d.title]!]) {
            for (const p of d.panels) {
              for (const t of p.targets) {
                const expr = substitute(t.expr, vars);
                const r = await query(prometheus!.url, expr).catch((err: Error) => err);
                evaluated++;
                if (r instanceof Error || r.length === 0) failures.push(`${d.title} / ${p.title} (${JSON.stringify(vars)}): ${r instanceof Error ? r.message : `no data: ${expr}`}`);
              }
            }
          }
        }
        return failures.length === 0 ? true : undefined;
      },
      60_000,
    ).catch(() => undefined);
    expect(failures).toEqual([]);
    expect(evaluated).toBeGreaterThan(80);
    // The instance variables list both nodes and the pushed batch instance.
    const instances = new Set((await query(prometheus!.url, 'flopmeter_build_info')).map((s) => s.metric.instance));
    expect([...instances].sort()).toEqual([nodeA!.instance, nodeB!.instance, 'batch-node-1'].sort());
  });

  it('renders a preview of every dashboard from Prometheus, with data in every panel', async (ctx) => {
    require(ctx);
    for (const d of loadDashboards()) {
      const { svg, panels } = await previewDashboard(prometheus!.url, d, { minutes: 2 });
      expect(panels.filter((p) => !p.hasData).map((p) => `${d.title} / ${p.title}`)).toEqual([]);
      expect(panels.flatMap((p) => p.warnings.map((w) => `${d.title} / ${p.title}: ${w}`))).toEqual([]);
      expect(svg).toMatch(/^<svg[^>]+width="\d+"/);
      for (const p of d.panels) expect(svg, `${d.title}: ${p.title}`).toContain(`>${p.title.replace(/&/g, '&amp;')}<`);
      expect(svg).not.toContain('no data');
    }
    // Node B is also scraped through /probe (a second job repeating its results with their own buckets): its heatmap must still add up.
    const device = loadDashboards().find((d) => d.uid === 'flopmeter-device')!;
    const { panels } = await previewDashboard(prometheus!.url, device, { minutes: 2, vars: { instance: [nodeB!.instance], device: ['.*'] } });
    expect(panels.flatMap((p) => p.warnings)).toEqual([]);
    expect(panels.every((p) => p.hasData)).toBe(true);
  });
});
