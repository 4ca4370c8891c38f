/**
 * Rendered expositions, shared by the scrapes that arrive close together. A
 * render is reused while the data behind it (telemetry, results, measurements)
 * is unchanged, for at most MAX_AGE_MS; when the data changes it is rendered
 * again, but not more often than every MIN_RERENDER_MS. So a burst of scrapes
 * costs one render (and one gzip), and a scrape's values are never more than
 * MIN_RERENDER_MS older than the sampler's latest.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { negotiate, type Format } from './registry.js';

const gzipAsync = promisify(gzip);

/**
 * Longest a render is reused even when nothing changed, ms: bounds how stale the
 * process metrics (CPU, memory, event-loop delay) and the exporter's health can be.
 */
const MAX_AGE_MS = 250;

/**
 * Shortest interval between renders, ms: a render takes a few ms of the event loop
 * (prom-client, ~350 series with 8 GPUs); at most ten a second keeps that under 3 %,
 * and 100 ms is small beside any scrape interval (and the 50 ms NVML sampling period).
 */
const MIN_RERENDER_MS = 100;

/** Distinct Accept/Accept-Encoding pairs remembered: scrapers send the same few headers every time. */
const MAX_VARIANTS = 64;

export interface Rendered {
  contentType: string;
  body: Buffer;
}

interface Entry {
  version: string;
  at: number;
  plain: Promise<Rendered>;
  gzipped?: Promise<Buffer>;
}

export class ScrapeCache {
  private readonly entries = new Map<Format, Entry>();
  private readonly variants = new Map<string, { format: Format; gzip: boolean }>();

  constructor(
    private readonly render: (format: Format) => Promise<{ contentType: string; body: string }>,
    /** Identifies the data a render shows; a different value means render again. */
    private readonly version: () => string,
    private readonly maxAgeMs = MAX_AGE_MS,
    private readonly minRerenderMs = MIN_RERENDER_MS,
  ) {}

  /** The exposition a scrape's Accept and Accept-Encoding headers ask for. */
  get(accept: string | undefined, acceptEncoding: string | undefined): Promise<Rendered & { encoding: 'gzip' | null }> {
    const key = `${accept ?? ''}\n${acceptEncoding ?? ''}`;
    let v = this.variants.get(key);
    if (!v) {
      v = { format: negotiate(accept), gzip: acceptsGzip(acceptEncoding) };
      if (this.variants.size >= MAX_VARIANTS) this.variants.clear();
      this.variants.set(key, v);
    }
    return this.variant(v.format, v.gzip);
  }

  /** The exposition in a format, gzip-compressed when asked. */
  async variant(format: Format, compress: boolean): Promise<Rendered & { encoding: 'gzip' | null }> {
    const version = this.version();
    const now = performance.now();
    let e = this.entries.get(format);
    const age = e ? now - e.at : Infinity;
    if (!e || age > this.maxAgeMs || (e.version !== version && age >= this.minRerenderMs)) {
      const plain = this.render(format).then((r) => ({ contentType: r.contentType, body: Buffer.from(r.body) }));
      e = { version, at: now, plain };
      this.entries.set(format, e);
      // A failed render is not kept.
      plain.catch(() => {
        if (this.entries.get(format) === e) this.entries.delete(format);
      });
    }
    const plain = await e.plain;
    if (!compress) return { ...plain, encoding: null };
    e.gzipped ??= e.plain.then((p) => gzipAsync(p.body));
    return { contentType: plain.contentType, body: await e.gzipped, encoding: 'gzip' };
  }
}

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== 'gzip' && name?.trim() !== '*') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
    return q === undefined || Number(q) > 0;
  });
}
