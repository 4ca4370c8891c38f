/**
 * The reporting side as a user meets it: two real runs on the fake GPU stack
 * (at different power draws), `flopmeter report` in every format, `compare`,
 * the HTML pages opened in headless Chromium (Debian's, driven by
 * playwright-core), and keygen / sign / verify through the CLI.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeBrowser, openFile } from '../fixtures/chromium.js';
import { fakeLibraryPath, hasCompiler } from '../fixtures/fakes.js';
import { ROOT, expectValidReport, removeDir, requireComponent, runCli, tempDir } from '../helpers.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

const dir = tempDir('reports-');
const small = ['--param', 'stream.n=2^14', '--param', 'stream.op=triad', '--param', 'fma-peak.n=6144', '--param', 'fma-peak.k=64', '--param', 'gemm.n=64'];
const run = (out: string, watts: number) =>
  runCli(['run', '-b', 'cuda', '-p', 'stream,fma-peak,gemm,launch-latency', '--preset', 'quick', '--windows', '3', ...small, '-o', out, '--no-progress'], {
    env: { LD_LIBRARY_PATH: fakeLibraryPath('nvml', 'cuda', 'nvrtc', 'cublas'), FLOPMETER_CACHE_DIR: join(dir, 'cuda-cache'), FAKE_NVML_POWER_W: String(watts) },
    timeoutMs: 120_000,
  });

const A = join(dir, 'node-a.json');
const B = join(dir, 'node-b.json');
let ready = false;

beforeAll(async () => {
  if (!hasCompiler()) return;
  const [a, b] = await Promise.all([run(A, 250), run(B, 400)]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  ready = true;
}, 180_000);

afterAll(async () => {
  await closeBrowser();
  removeDir(dir);
});

function requireRuns(ctx: Parameters<typeof requireComponent>[0]): void {
  requireComponent(ctx, hasCompiler(), 'a C compiler (gcc) for the fake GPU stack');
  expect(ready).toBe(true);
}

/** Opens a page in Chromium; fails on any console error, page error or request beyond the file itself. */
async function openPage(file: string, screenshot: string) {
  const { page, problems } = await openFile(file);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
  // Every chart: an inline SVG with a visible size and drawn marks.
  const charts = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      return { id: f.getAttribute('data-chart') ?? '', width: box?.width ?? 0, height: box?.height ?? 0, marks: svg ? svg.querySelectorAll('g[class*="role-mark"] > *').length : 0 };
    }),
  );
  await page.close();
  return { problems, charts };
}

describe('flopmeter report', () => {
  it('renders a report as text, Markdown and JSON', async (ctx) => {
    requireRuns(ctx);
    const text = await runCli(['report', A]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^flopmeter report: /);
    expect(text.stdout).toMatch(/gemm\s+dtype=bf16 n=64\s+cuda0/);
    expect(text.stdout).toMatch(/expanded, k = \d\.\d{3} \(95 % coverage\)/);
    const md = await runCli(['report', A, '--format', 'md']);
    expect(md.stdout).toMatch(/^# flopmeter report/);
    expect(md.stdout).toMatch(/\| # \| workload \| device \| engine \|/);
    const json = await runCli(['report', A, '-f', 'json']);
    const report = JSON.parse(json.stdout);
    expectValidReport(report);
    expect(report).toEqual(JSON.parse(readFileSync(A, 'utf8')));
  });

  it('writes one HTML file that Chromium opens offline with every chart drawn and no errors', async (ctx) => {
    requireRuns(ctx);
    requireComponent(ctx, existsSync(CHROMIUM), 'Debian chromium');
    const out = join(dir, 'node-a.html');
    const r = await runCli(['report', A, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*type="application\/json")/);
    // The report travels inside the page.
    const embedded = /<script type="application\/json" id="flopmeter-report">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(embedded)).toEqual(JSON.parse(readFileSync(A, 'utf8')));
    const { problems, charts } = await openPage(out, 'report.png');
    expect(problems).toEqual([]);
    const results = (JSON.parse(readFileSync(A, 'utf8')) as { results: Array<{ id: string }> }).results;
    const expected = ['efficiency', 'roofline:cuda0', ...results.flatMap((x) => [`latency:${x.id}`, `timeline:${x.id}`])];
    expect(charts.map((c) => c.id).sort()).toEqual(expected.sort());
    for (const c of charts) {
      expect(c.marks, c.id).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(50);
    }
    expect(statSync(join(ARTIFACTS, 'report.png')).size).toBeGreaterThan(10_000);
  });

  it('refuses a malformed, future or missing report with exit 2, one line and no stack trace', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema": "flopmeter/report@1", "results": [');
    const future = join(dir, 'future.json');
    writeFileSync(future, JSON.stringify({ schema: 'flopmeter/report@9' }));
    const wrongType = join(dir, 'wrong-type.json');
    if (ready) {
      const r = JSON.parse(readFileSync(A, 'utf8'));
      r.results[0].throughput.value = 'fast';
      writeFileSync(wrongType, JSON.stringify(r));
    }
    for (const [file, message] of [
      [bad, /bad\.json: not JSON/],
      [future, /written by a newer flopmeter/],
      [join(dir, 'missing.json'), /missing\.json/],
      ...(ready ? [[wrongType, /at \/results\/0\/throughput\/value: must be number/] as const] : []),
    ] as const) {
      const r = await runCli(['report', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // The message on one line (and main's hint to --help under it).
      expect(r.stderr.trim().split('\n')[0]).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    }
    const format = await runCli(['report', bad, '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/pdf/);
  });
});

describe('flopmeter compare', () => {
  it('sets two runs side by side with ratios, intervals, verdicts and the differing settings', async (ctx) => {
    requireRuns(ctx);
    const r = await runCli(['compare', A, B]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/flopmeter comparison: node-a vs node-b/);
    // 250 W against 400 W on the same fake GPU: power differs significantly.
    expect(r.stdout).toMatch(/power\s+250(\.0)? W \(baseline\)\s+400(\.0)? W ×1\.600/);
    expect(r.stdout).toMatch(/work per joule .*×\d\.\d{3} \[[\d.]+, [\d.]+\]: (less efficient|no significant difference|more efficient)/);
    type Ratio = { ratio: { value: number; ci95: [number, number] } | null; verdict: string | null };
    type Quantities = { power?: Ratio; throughput?: Ratio; efficiency?: Ratio };
    const json = JSON.parse((await runCli(['compare', A, B, '-f', 'json'])).stdout) as { rows: Array<{ cells: Array<{ comparable: boolean; quantities: Quantities }> }> };
    expect(json.rows.length).toBe(8); // stream triad, fma-peak f32 and f16, gemm f32, tf32, f16, bf16, launch-latency
    expect(json.rows.every((row) => row.cells[1]!.comparable)).toBe(true);
    expect(json.rows.every((row) => row.cells[1]!.quantities.power?.verdict === 'higher')).toBe(true);
    // Work per joule follows throughput over power (1.6× the power), and its verdict follows its interval: whether
    // the difference is significant depends on the throughput's noise in a 3-window run, so it is not asked for.
    for (const { cells } of json.rows) {
      const { throughput, power, efficiency } = cells[1]!.quantities;
      if (!throughput?.ratio || !power?.ratio || !efficiency?.ratio) continue;
      expect(Math.abs(efficiency.ratio.value / (throughput.ratio.value / power.ratio.value) - 1)).toBeLessThan(0.1);
      const [lo, hi] = efficiency.ratio.ci95;
      expect(efficiency.verdict).toBe(hi < 1 ? 'lower' : lo > 1 ? 'higher' : 'no significant difference');
    }
    expect(json.rows.filter((row) => row.cells[1]!.quantities.efficiency?.ratio).length).toBeGreaterThanOrEqual(7);
    const baseline = await runCli(['compare', A, '--baseline', B]);
    expect(baseline.stdout).toMatch(/node-b \(baseline\)/);
  });

  it('shows results with another probe definition as not comparable unless --force', async (ctx) => {
    requireRuns(ctx);
    const changed = JSON.parse(readFileSync(B, 'utf8'));
    changed.results[0].definitionHash = `sha256:${'0'.repeat(64)}`;
    const C = join(dir, 'node-c.json');
    writeFileSync(C, JSON.stringify(changed));
    const r = await runCli(['compare', A, C]);
    expect(r.stdout).toMatch(/not comparable: probe definitions differ/);
    const forced = await runCli(['compare', A, C, '--force']);
    expect(forced.stdout).not.toMatch(/not comparable/);
    expect(forced.stdout).toMatch(/--force/);
  });

  it('writes an HTML comparison that Chromium opens with its ratio chart', async (ctx) => {
    requireRuns(ctx);
    requireComponent(ctx, existsSync(CHROMIUM), 'Debian chromium');
    const out = join(dir, 'compare.html');
    expect((await runCli(['compare', A, B, '-o', out])).code).toBe(0);
    const { problems, charts } = await openPage(out, 'compare.png');
    expect(problems).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(['ratios']);
    expect(charts[0]!.marks).toBeGreaterThan(10);
  });

  it('needs two reports', async () => {
    const r = await runCli(['compare', A]);
    expect(r.code).toBe(2);
  });
});

describe('flopmeter keygen, sign, verify', () => {
  it('signs a report that stays valid, verifies it, and names what was tampered with', async (ctx) => {
    requireRuns(ctx);
    const prefix = join(dir, 'lab');
    const k = await runCli(['keygen', '--out', prefix]);
    expect(k.code, k.stderr).toBe(0);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    const signed = join(dir, 'signed.json');
    expect((await runCli(['sign', A, '--key', `${prefix}.key`, '--out', signed])).code).toBe(0);
    expectValidReport(JSON.parse(readFileSync(signed, 'utf8')));
    const ok = await runCli(['verify', signed, '--pubkey', `${prefix}.pub`]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^valid: signed by key [0-9a-f]{32} at /);
    // The signed report is still a report for the other commands.
    expect((await runCli(['report', signed])).code).toBe(0);
    const tampered = JSON.parse(readFileSync(signed, 'utf8'));
    tampered.results[1].throughput.value *= 1.01;
    writeFileSync(signed, JSON.stringify(tampered));
    const bad = await runCli(['verify', signed, '--pubkey', `${prefix}.pub`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`results["${tampered.results[1].id}"].throughput changed`);
  });
});
