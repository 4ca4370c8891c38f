/**
 * Scrape load for `npm run bench:exporter`: autocannon connections that each
 * scrape once a second, as Prometheus asks (OpenMetrics preferred, gzip
 * accepted), timing every response; the first seconds are a warm-up whose
 * responses are not counted (the connections stay open, as Prometheus keeps
 * them between scrapes).
 */
import autocannon from 'autocannon';
import { LatencyHistogram, type LatencyStats } from '../src/core/histogram.js';

/** The headers Prometheus 2.x sends with a scrape. */
const SCRAPE_HEADERS = {
  Accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'Accept-Encoding': 'gzip',
  'X-Prometheus-Scrape-Timeout-Seconds': '10',
};

/**
 * How the scrapes arrive within each second:
 * - aligned: every connection scrapes at the same instant (autocannon -c N -R N), a burst of N;
 * - spread: the connections in SPREAD_GROUPS groups a tenth of a second apart, as independent scrapers drift.
 */
export type LoadShape = 'aligned' | 'spread';

/** Phase groups of the spread shape: bursts of N/10 every 100 ms. */
const SPREAD_GROUPS = 10;

export interface LoadSpec {
  url: string;
  shape: LoadShape;
  connections: number;
  /** Scrapes per second over all connections. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** Called once the warm-up ends (to start measuring the server's own usage). */
  onMeasureStart: () => void;
}

export interface LoadResult {
  /** Responses counted after the warm-up. */
  scrapes: number;
  /** Errors, timeouts and non-2xx responses over the whole run, warm-up included. */
  failed: number;
  latency: LatencyStats | null;
  bytesPerResponse: number;
  /** The measured span, seconds. */
  seconds: number;
}

export async function scrapeLoad(spec: LoadSpec): Promise<LoadResult> {
  const groups = spec.shape === 'aligned' ? 1 : SPREAD_GROUPS;
  const h = new LatencyHistogram();
  const started = performance.now();
  const measureFrom = started + spec.warmupSeconds * 1000;
  let measuredUntil = measureFrom;
  let scrapes = 0;
  let bytes = 0;
  let failed = 0;
  const warmup = setTimeout(spec.onMeasureStart, spec.warmupSeconds * 1000);
  const runs = Array.from({ length: groups }, (_, g) =>
    new Promise<void>((resolve, reject) => {
      const delayMs = (g * 1000) / groups;
      setTimeout(() => {
        const instance = autocannon(
          {
            url: spec.url,
            connections: spec.connections / groups,
            overallRate: spec.rate / groups,
            duration: spec.warmupSeconds + spec.seconds - delayMs / 1000,
            timeout: 10,
            headers: SCRAPE_HEADERS,
          },
          (err, r) => {
            if (err) return reject(err);
            failed += r.errors + r.timeouts + r.non2xx;
            resolve();
          },
        );
        instance.on('response', (_client, status, resBytes, ms) => {
          const now = performance.now();
          if (now < measureFrom || status !== 200) return;
          scrapes++;
          bytes += resBytes;
          measuredUntil = now;
          h.recordSeconds(ms / 1e3);
        });
      }, delayMs);
    }),
  );
  try {
    await Promise.all(runs);
  } finally {
    clearTimeout(warmup);
  }
  return { scrapes, failed, latency: h.stats(), bytesPerResponse: scrapes ? bytes / scrapes : 0, seconds: (measuredUntil - measureFrom) / 1000 };
}
