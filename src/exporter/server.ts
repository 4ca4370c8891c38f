/**
 * The exporter: an HTTP(S) server with /metrics (telemetry read at scrape time
 * from the sampler's latest values, the latest results, the exporter's own
 * health), /probe (blackbox-exporter-style measurement on demand), and an index
 * page. Scrapes never wait for a device or a measurement: they read memory.
 */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Backend, DeviceInfo } from '../backends/backend.js';
import { monotonicNs, sleep } from '../core/clock.js';
import { UsageError, describeError } from '../core/errors.js';
import type { AnyProbe, PresetId } from '../core/probe.js';
import { HOST_CPU_DEVICE } from '../measure/suite.js';
import { toolInfo } from '../report/provenance.js';
import { DEFAULT_SAMPLERS } from '../telemetry/index.js';
import { Telemetry } from '../telemetry/service.js';
import { describeHealthChange } from '../telemetry/health.js';
import { buildInfoFamily } from './build-info.js';
import { family, type Family } from './family.js';
import { BusyError, Measurements } from './measurements.js';
import { indexPage } from './page.js';
import { parseProbeRequest } from './probe-request.js';
import { processFamilies } from './process-metrics.js';
import { Exposition, negotiate } from './registry.js';
import { resultFamilies } from './result-metrics.js';
import { LatestResults } from './results.js';
import { Scheduler, type ScheduleEntry } from './schedule.js';
import { ScrapeCache } from './scrape-cache.js';
import { telemetryFamilies } from './telemetry-metrics.js';
import { BasicAuth } from './basic-auth.js';
import type { WebConfig } from './web-config.js';

// Defined apart from the server, so that --help can show it without loading the server.
export { DEFAULT_PROBE_MAX_BYTES } from './defaults.js';

export interface ExporterOptions {
  host: string;
  port: number;
  webConfig: WebConfig | null;
  backends: readonly Backend[];
  probes: readonly AnyProbe[];
  probeEndpoint: boolean;
  /** Largest host memory one /probe result may need (its probe's memoryBytes), bytes; a larger size gets a 400. */
  probeMaxBytes: number;
  /** Longest a /probe or scheduled measurement may run, seconds. */
  probeTimeoutSeconds: number;
  /** Preset of scheduled measurements, and of /probe when it names none. */
  preset: PresetId;
  schedule: readonly ScheduleEntry[];
  threads?: number;
  seed: number;
  gpuSampleHz?: number;
  powercapRoot?: string;
  /** Where a device's health changes are logged, one line each (serve: stderr). */
  log?: (line: string) => void;
  /** How long an ended process keeps its energy series, seconds (default: PROCESS_GRACE_SECONDS). */
  processGraceSeconds?: number;
}

/** Samples kept beyond twice the longest measurement, seconds: the idle baseline before it and slack. */
const RETENTION_MARGIN_SECONDS = 60;

/** Scrape-duration buckets, seconds: a healthy scrape takes well under a millisecond. */
const SCRAPE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export class Exporter {
  private server!: Server;
  private telemetry!: Telemetry;
  private readonly latest = new LatestResults();
  private measurements!: Measurements;
  private scheduler: Scheduler | null = null;
  private exposition!: Exposition;
  private scrapeCache!: ScrapeCache;
  private computeDevices: DeviceInfo[] = [];
  private readonly scrapeCounts = new Array<number>(SCRAPE_BUCKETS.length).fill(0);
  private scrapes = 0;
  private scrapeSeconds = 0;
  private readonly auth: BasicAuth;
  private readonly version = toolInfo();
  private readonly buildInfo = buildInfoFamily();
  url = '';

  private constructor(private readonly opts: ExporterOptions) {
    this.auth = new BasicAuth(opts.webConfig?.users ?? new Map());
  }

  static async start(opts: ExporterOptions): Promise<Exporter> {
    const e = new Exporter(opts);
    await e.init();
    return e;
  }

  private async init(): Promise<void> {
    const o = this.opts;
    for (const b of o.backends) {
      const d = await b.discover();
      if (d.available) this.computeDevices.push(...d.devices);
    }
    this.telemetry = await Telemetry.start({
      samplers: DEFAULT_SAMPLERS,
      // Scrapes need only the latest values; a measurement needs its own span, which the timeout bounds.
      retentionSeconds: 2 * o.probeTimeoutSeconds + RETENTION_MARGIN_SECONDS,
      options: {
        cpuDevice: HOST_CPU_DEVICE,
        ...(o.gpuSampleHz ? { gpuPeriodSeconds: 1 / o.gpuSampleHz } : {}),
        ...(o.powercapRoot ? { powercapRoot: o.powercapRoot } : {}),
        ...(o.processGraceSeconds !== undefined ? { processGraceSeconds: o.processGraceSeconds } : {}),
      },
    });
    const log = o.log;
    if (log) this.telemetry.onHealthChange((c) => log(describeHealthChange(c)));
    this.measurements = new Measurements(this.telemetry, this.latest, { allProbes: o.probes, ...(o.threads ? { threads: o.threads } : {}), seed: o.seed });
    this.exposition = new Exposition(() => this.families());
    this.scrapeCache = new ScrapeCache(
      (format) => this.exposition.render(format),
      () => `${this.telemetry.store.version}|${this.latest.version}|${this.measurements.busy}|${this.measurements.completed}`,
    );
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, `internal error: ${describeError(err)}\n`);
      });
    };
    const tls = o.webConfig?.tls;
    this.server = tls
      ? createHttps({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}), requestCert: tls.requestClientCert, rejectUnauthorized: tls.requestClientCert }, handler)
      : createHttp(handler);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new UsageError(`--listen ${o.host}:${o.port}: the port is in use`) : err.code === 'EADDRNOTAVAIL' ? new UsageError(`--listen ${o.host}:${o.port}: no such local address`) : err),
      );
      this.server.listen(o.port, o.host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `${tls ? 'https' : 'http'}://${host}:${addr.port}`;
    if (o.schedule.length) {
      this.scheduler = new Scheduler(o.schedule, async (entry) => {
        while (this.measurements.busy) await sleep(1);
        await this.measurements.run({
          probes: entry.probes.map((id) => o.probes.find((p) => p.id === id)!),
          backends: [...o.backends],
          preset: o.preset,
          timeoutSeconds: o.probeTimeoutSeconds,
          trigger: 'schedule',
        });
      });
      this.scheduler.start();
    }
  }

  private health(): Family[] {
    let cumulative = 0;
    const buckets = SCRAPE_BUCKETS.map((le, i) => [le, (cumulative += this.scrapeCounts[i]!)] as [number, number]);
    const stats = this.telemetry.stats;
    return [
      { name: 'flopmeter_exporter_scrape_duration_seconds', help: 'Time to collect and render /metrics.', type: 'histogram', samples: [{ labels: {}, buckets, count: this.scrapes, sum: this.scrapeSeconds }] },
      family('flopmeter_sampler_reads_total', 'Sensor reads by each sampler.', 'counter', stats.map((s) => ({ labels: { sampler: s.sampler }, value: s.reads }))),
      family('flopmeter_sampler_errors_total', 'Failed sensor reads by each sampler.', 'counter', stats.map((s) => ({ labels: { sampler: s.sampler }, value: s.errors }))),
      family('flopmeter_sampler_busy_seconds_total', 'Time each sampler spent reading sensors (its own cost).', 'counter', stats.map((s) => ({ labels: { sampler: s.sampler }, value: s.busySeconds }))),
      family(
        'flopmeter_measurements_total',
        'Measurements run by the exporter, by trigger and outcome.',
        'counter',
        Object.entries(this.measurements.stats.runs).map(([k, v]) => {
          const [trigger, outcome] = k.split('|') as [string, string];
          return { labels: { trigger, outcome }, value: v };
        }),
      ),
      family('flopmeter_measurement_running', 'Whether a measurement is running now.', 'gauge', [{ labels: {}, value: this.measurements.busy ? 1 : 0 }]),
    ];
  }

  private families(): Family[] {
    return [
      this.buildInfo,
      ...telemetryFamilies(this.telemetry, this.computeDevices, monotonicNs(), HOST_CPU_DEVICE),
      ...processFamilies(this.telemetry.processes),
      ...resultFamilies(this.latest.list()),
      ...this.health(),
    ];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.auth.enabled && !(await this.auth.check(req.headers.authorization))) {
      send(res, 401, 'unauthorized\n', { 'WWW-Authenticate': 'Basic realm="flopmeter"' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'only GET\n', { Allow: 'GET, HEAD' });
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0];
    // The hot path: a scrape needs no URL parsing.
    if (path === '/metrics') return this.metrics(req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/probe') return this.probe(url, req, res);
    if (url.pathname === '/') {
      const page = indexPage({
        version: this.version.version,
        probeEndpoint: this.opts.probeEndpoint,
        probes: this.opts.probes.map((p) => p.id),
        schedule: this.opts.schedule,
        computeDevices: this.computeDevices,
        telemetryDevices: this.telemetry.devices,
        results: this.latest.list().length,
      });
      send(res, 200, page, { 'Content-Type': 'text/html; charset=utf-8' });
      return;
    }
    send(res, 404, 'not found: see / for the endpoints\n');
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const { contentType, body, encoding } = await this.scrapeCache.get(req.headers.accept, req.headers['accept-encoding']);
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(body.length), Vary: 'Accept, Accept-Encoding', ...(encoding ? { 'Content-Encoding': encoding } : {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
    const seconds = (performance.now() - t0) / 1000;
    this.scrapes++;
    this.scrapeSeconds += seconds;
    const i = SCRAPE_BUCKETS.findIndex((b) => seconds <= b);
    if (i >= 0) this.scrapeCounts[i]!++;
  }

  /** Blackbox-exporter style: a measurement stays inside the scraper's own timeout when it says what it is. */
  private probeTimeoutSeconds(req: IncomingMessage): number {
    const scrapeTimeout = Number(req.headers['x-prometheus-scrape-timeout-seconds']);
    const max = this.opts.probeTimeoutSeconds;
    return Number.isFinite(scrapeTimeout) && scrapeTimeout > 1 ? Math.min(max, scrapeTimeout - 0.5) : max;
  }

  private async probe(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const o = this.opts;
    if (!o.probeEndpoint) return send(res, 404, 'the /probe endpoint is off: start flopmeter serve with --enable-probe-endpoint\n');
    const t0 = performance.now();
    let outcome;
    try {
      const request = parseProbeRequest(url.searchParams, { probes: o.probes, backends: o.backends, preset: o.preset, maxBytes: o.probeMaxBytes });
      outcome = await this.measurements.run({ ...request, timeoutSeconds: this.probeTimeoutSeconds(req), trigger: 'probe' });
    } catch (err) {
      if (err instanceof BusyError) return send(res, 429, `${err.message}; try again later\n`, { 'Retry-After': String(err.retryAfterSeconds) });
      if (err instanceof UsageError) return send(res, 400, `${err.message}\n`);
      throw err;
    }
    const seconds = (performance.now() - t0) / 1000;
    const at = Date.now();
    const results = outcome.results.filter((r) => r.status !== 'skipped');
    const success = results.length > 0 && results.every((r) => r.status === 'completed') ? 1 : 0;
    const exposition = new Exposition(
      () => [
        family('probe_success', 'Whether every result of the measurement completed and verified.', 'gauge', [{ labels: {}, value: success }]),
        family('probe_duration_seconds', 'How long the measurement took.', 'gauge', [{ labels: {}, value: seconds }]),
        ...resultFamilies(results.map((result) => ({ result, at }))),
      ],
      { processMetrics: false },
    );
    const { contentType, body } = await exposition.render(negotiate(req.headers.accept));
    send(res, 200, body, { 'Content-Type': contentType });
  }

  async stop(): Promise<void> {
    this.scheduler?.stop();
    this.measurements?.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.telemetry.stop();
    await this.auth.close();
  }
}
