/**
 * The headline and the roofline's theoretical ceilings as a reader sees them:
 * a report whose CPU states theoretical peaks, made into HTML by the built
 * CLI (`flopmeter report … -o page.html`) and opened in headless Chromium
 * (Debian's, driven by playwright-core).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, requireComponent, runCli, tempDir } from '../helpers.js';
import { CHROMIUM, closeBrowser, openFile } from '../fixtures/chromium.js';
import { headlineReport } from '../fixtures/headline-report.js';

const dir = tempDir('headline-html-');

afterAll(async () => {
  await closeBrowser();
  removeDir(dir);
});

/** What the page shows: its h2 and h3 headings in order, its tables' places, the first one's rows, and each roofline line's dash pattern as drawn. */
async function readPage(file: string) {
  const { page, problems } = await openFile(file);
  const headings = await page.$$eval('h2, h3', (hs) => hs.map((h) => `${h.tagName} ${h.textContent}`));
  const firstTable = await page.$$eval('table:first-of-type tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
  const tables = await page.$$eval('table', (ts) => ts.map((t) => ({ top: t.getBoundingClientRect().top, first: t.querySelector('th')?.textContent ?? '' })));
  const dashes = await page.$$eval('figure[data-chart="roofline:cpu0"] path[aria-roledescription="line mark"]', (paths) =>
    paths.map((p) => ({ dash: p.ownerDocument.defaultView!.getComputedStyle(p).strokeDasharray, width: p.getBoundingClientRect().width })),
  );
  await page.close();
  return { problems, headings, firstTable, tables, dashes };
}

describe('the HTML report’s headline', () => {
  it('opens with each device’s headline, fractions of the theoretical peak included, and the roofline draws the theoretical ceilings dashed', async (ctx) => {
    requireComponent(ctx, existsSync(CHROMIUM), 'Debian chromium');
    const json = join(dir, 'run.json');
    const html = join(dir, 'run.html');
    writeFileSync(json, JSON.stringify(headlineReport()));
    const r = await runCli(['report', json, '-o', html]);
    expect(r.code, r.stderr).toBe(0);
    const { problems, headings, firstTable, tables, dashes } = await readPage(html);
    expect(problems).toEqual([]);
    expect(headings.slice(0, 4)).toEqual(['H2 At a glance', 'H3 cpu0: Some CPU (cpu)', 'H3 webgpu0: llvmpipe (LLVM 15.0.6, 256 bits) (webgpu)', 'H2 Results']);
    // The first table on the page is the CPU's headline, above every other table.
    expect(tables[0]!.first).toBe('figure');
    expect(tables.every((t) => t.top >= tables[0]!.top)).toBe(true);
    expect(firstTable[1]).toEqual(['compute f32', '320.0 GFLOP/s ±1.1 %', '80.0 % (79.1–80.9 %) of 400.0 GFLOP/s', '#4 gemm']);
    expect(firstTable.find((row) => row[0] === 'memory bandwidth')).toEqual(['memory bandwidth', '45.00 Gbyte/s ±1.1 %', '90.0 % (89.0–91.0 %) of 50.00 Gbyte/s', '#2 stream']);
    // The four measured ceilings solid, the two theoretical ones (f32, f64; f16's is unknown) dashed; all drawn.
    const solid = dashes.filter((d) => d.dash === 'none');
    const dashed = dashes.filter((d) => d.dash !== 'none');
    expect(solid).toHaveLength(4);
    expect(dashed.map((d) => d.dash)).toEqual(['6px, 4px', '6px, 4px']);
    for (const d of dashes) expect(d.width).toBeGreaterThan(100);
  }, 60_000);
});
