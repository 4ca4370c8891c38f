import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, ScrapeCache } from '../../src/exporter/scrape-cache.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function counting(): { cache: (maxAgeMs: number, minMs: number) => ScrapeCache; renders: () => number; setVersion: (v: string) => void } {
  let renders = 0;
  let version = 'a';
  return {
    cache: (maxAgeMs, minMs) =>
      new ScrapeCache(
        async (format) => {
          renders++;
          return { contentType: format, body: `render ${renders} of ${version} as ${format}\n`.repeat(50) };
        },
        () => version,
        maxAgeMs,
        minMs,
      ),
    renders: () => renders,
    setVersion: (v) => (version = v),
  };
}

describe('ScrapeCache', () => {
  it('renders once for a burst of concurrent scrapes, per format', async () => {
    const c = counting();
    const cache = c.cache(10_000, 0);
    const burst = await Promise.all(Array.from({ length: 50 }, () => cache.get('text/plain', undefined)));
    expect(c.renders()).toBe(1);
    expect(new Set(burst.map((b) => b.body.toString())).size).toBe(1);
    await cache.get('application/openmetrics-text;version=1.0.0', undefined);
    expect(c.renders()).toBe(2);
  });

  it('renders again when the data changes, but not sooner than the minimum interval', async () => {
    const c = counting();
    const cache = c.cache(10_000, 80);
    await cache.get(undefined, undefined);
    c.setVersion('b');
    expect((await cache.get(undefined, undefined)).body.toString()).toContain('of a');
    await sleep(100);
    expect((await cache.get(undefined, undefined)).body.toString()).toContain('render 2 of b');
    // Unchanged data: the render is reused.
    await sleep(100);
    await cache.get(undefined, undefined);
    expect(c.renders()).toBe(2);
  });

  it('renders again after the maximum age even when nothing changed', async () => {
    const c = counting();
    const cache = c.cache(50, 0);
    await cache.get(undefined, undefined);
    await sleep(80);
    await cache.get(undefined, undefined);
    expect(c.renders()).toBe(2);
  });

  it('serves gzip when asked, compressing each render once', async () => {
    const c = counting();
    const cache = c.cache(10_000, 0);
    const plain = await cache.get(undefined, undefined);
    const [z1, z2] = await Promise.all([cache.get(undefined, 'gzip, deflate'), cache.get(undefined, 'gzip')]);
    expect(z1.encoding).toBe('gzip');
    expect(z1.body).toBe(z2.body);
    expect(gunzipSync(z1.body).toString()).toBe(plain.body.toString());
    expect(z1.body.length).toBeLessThan(plain.body.length);
    expect(plain.encoding).toBeNull();
  });

  it('does not keep a failed render', async () => {
    let fail = true;
    const cache = new ScrapeCache(
      async () => {
        if (fail) throw new Error('boom');
        return { contentType: 'text/plain', body: 'ok' };
      },
      () => 'v',
    );
    await expect(cache.get(undefined, undefined)).rejects.toThrow('boom');
    fail = false;
    expect((await cache.get(undefined, undefined)).body.toString()).toBe('ok');
  });
});

describe('acceptsGzip', () => {
  it('reads Accept-Encoding, honouring q=0', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
