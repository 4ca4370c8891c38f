import { afterEach, describe, expect, it } from 'vitest';
import { runSuite, type SuiteOptions } from '../../src/measure/suite.js';
import { buildReport } from '../../src/report/build.js';
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { webgpuBackend } from '../../src/backends/webgpu/index.js';
import { parseOverride } from '../../src/measure/plan.js';
import { UsageError } from '../../src/core/errors.js';
import { findProbe } from '../../probes/index.js';
import { expectValidReport, liveRapl, removeDir, requireComponent, tempDir } from '../helpers.js';

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).reverse().forEach((f) => f()));

function options(over: Partial<SuiteOptions>): SuiteOptions {
  return {
    backends: [cpuBackend],
    explicitBackends: true,
    probes: [findProbe('reduce')!, findProbe('launch-latency')!],
    preset: 'quick',
    overrides: [parseOverride('reduce.n=2^20')],
    threads: 2,
    seed: 7,
    fixedWindows: 3,
    telemetry: true,
    signal: new AbortController().signal,
    ...over,
  };
}

describe('a whole run', () => {
  it('measures power from a RAPL counter and produces a report that conforms to the schema', async () => {
    const root = tempDir('rapl-');
    const rapl = await liveRapl(root, 40);
    cleanup.push(() => removeDir(root), () => rapl.stop());
    const events: string[] = [];
    const outcome = await runSuite(options({ powercapRoot: root, onProgress: (e) => events.push(e.type) }));
    expect(outcome.results.map((r) => r.status)).toEqual(['completed', 'completed']);
    const r = outcome.results[0]!;
    // The fixture draws a constant 40 W, so the run sees 40 W, idle and loaded alike.
    expect(r.power!.value).toBeGreaterThan(38);
    expect(r.power!.value).toBeLessThan(42);
    expect(r.power!.method).toBe('counter');
    expect(outcome.idle.cpu0!.watts).toBeGreaterThan(38);
    // The idle baseline's own readings (the counter's steps), for the above-idle budgets; in the report that conforms below.
    const idle = outcome.idle.cpu0!;
    expect('spread' in idle && idle.spread!.readings).toBeGreaterThan(1);
    // Work per joule is all the work over all the energy; throughput counts the iterations' own time and power the
    // windows' wall time, which is longer by the gaps between iterations (≲ 1 % here, more on a loaded machine).
    expect(Math.abs(r.efficiency!.value / (r.throughput!.value / r.power!.value) - 1)).toBeLessThan(0.03);
    expect(r.efficiency!.unit).toBe('byte/J');
    expect(r.energy!.perUnit.unit).toBe('J/byte');
    expect(r.uncertainty!.power!.components.map((c) => c.type)).toEqual(['A', 'A', 'B', 'B']);
    expect(r.telemetry!.observedFraction).toBe(1);
    expect(r.telemetry!.timeline.find((s) => s.quantity === 'power')!.v.length).toBeGreaterThan(0);
    expect(events[0]).toBe('plan');
    expect(events).toContain('idle');
    const report = await buildReport({ outcome, argv: ['run'], seed: 7, backends: ['cpu'], probes: ['reduce', 'launch-latency'], params: [], telemetry: true });
    expectValidReport(report);
    expect(report.status).toBe('complete');
  });

  it('runs on WebGPU too; a software adapter draws its power from the CPU’s RAPL counter', async (ctx) => {
    const d = await webgpuBackend.discover();
    requireComponent(ctx, d.available, `a WebGPU adapter (${d.available ? '' : d.reason})`);
    const root = tempDir('rapl-');
    const rapl = await liveRapl(root, 30);
    cleanup.push(() => removeDir(root), () => rapl.stop());
    const outcome = await runSuite(
      options({ backends: [cpuBackend, webgpuBackend], powercapRoot: root, probes: [findProbe('reduce')!], overrides: [parseOverride('reduce.n=2^18')] }),
    );
    expect(outcome.results.map((r) => `${r.device}:${r.status}`)).toEqual(['cpu0:completed', 'webgpu0:completed']);
    const gpu = outcome.results[1]!;
    expect(gpu.latency!.timer.kind).toBe('device');
    if (d.devices[0]!.identity.software) {
      expect(gpu.power!.value).toBeGreaterThan(28);
      expect(gpu.power!.value).toBeLessThan(32);
      expect(gpu.notes.join(' ')).toMatch(/software adapter/);
      expect(Object.keys(outcome.idle)).toEqual(['cpu0']); // one idle baseline for the shared sensor
    }
    expectValidReport(await buildReport({ outcome, argv: [], seed: 7, backends: ['cpu', 'webgpu'], probes: ['reduce'], params: [], telemetry: true }));
  });

  it('without a power sensor, reports power as missing with the reason, and the report still conforms', async () => {
    const outcome = await runSuite(options({ powercapRoot: '/nonexistent/powercap', probes: [findProbe('launch-latency')!], overrides: [] }));
    const r = outcome.results[0]!;
    expect(r.status).toBe('completed');
    expect(r.power).toBeNull();
    expect(r.unavailable.power).toMatch(/RAPL/);
    expect(outcome.idle.cpu0).toEqual({ watts: null, reason: 'no power or energy sensor: idle baseline skipped' });
    expectValidReport(await buildReport({ outcome, argv: [], seed: 7, backends: ['cpu'], probes: ['launch-latency'], params: [], telemetry: true }));
  });

  it("interleaves a device's results block by block, each block's windows together, and says so", async () => {
    const outcome = await runSuite(options({ telemetry: false, fixedWindows: 6 }));
    expect(outcome.results.map((r) => r.status)).toEqual(['completed', 'completed']);
    // Every window in time order, tagged by result and block: the blocks of the two results alternate in rounds.
    const timeline = outcome.results.flatMap((r, i) => r.windows.map((w) => ({ t: w.startNs, tag: `${i}.${w.block}` }))).sort((a, b) => a.t - b.t);
    const blocks = timeline.map((w) => w.tag).filter((tag, k, all) => k === 0 || all[k - 1] !== tag);
    expect(blocks).toHaveLength(6); // 3 blocks of 2 windows each, never split
    for (const round of [0, 1, 2]) expect(blocks.slice(2 * round, 2 * round + 2).sort()).toEqual([`0.${round}`, `1.${round}`]);
    for (const r of outcome.results) expect(r.notes).toContain('measured interleaved with 1 other result on this device, a block of each in a random order per round');
    const report = await buildReport({ outcome, argv: [], seed: 7, backends: ['cpu'], probes: [], params: [], telemetry: false });
    expect(report.config.interleave).toBe(true);
    expectValidReport(report);
  });

  it('interrupted in an interleaved run, keeps the results already finished and marks the rest aborted', async () => {
    const controller = new AbortController();
    // The two results end in the same round: interrupt as the first of them ends, before the other's last block.
    const outcome = await runSuite(
      options({
        telemetry: false,
        fixedWindows: 6,
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'done') controller.abort();
        },
      }),
    );
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results.map((r) => r.status).sort()).toEqual(['aborted', 'completed']);
    expect(outcome.results.find((r) => r.status === 'completed')!.windows).toHaveLength(6);
    expect(outcome.results.find((r) => r.status === 'aborted')!.reason).toBe('interrupted before the result was complete');
  });

  it('keeps finished results when interrupted, and marks the rest aborted (each result in one stretch)', async () => {
    const controller = new AbortController();
    const outcome = await runSuite(
      options({
        telemetry: false,
        interleave: false,
        fixedWindows: 4,
        probes: [findProbe('launch-latency')!, findProbe('reduce')!],
        signal: controller.signal,
        onProgress: (e) => {
          // Interrupt the second result a little after it starts.
          if (e.type === 'start' && e.item.index === 1) setTimeout(() => controller.abort(), 300);
        },
      }),
    );
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results.map((r) => r.status)).toEqual(['completed', 'aborted']);
    expect(outcome.results[0]!.windows).toHaveLength(4);
    expectValidReport(await buildReport({ outcome, argv: [], seed: 7, backends: ['cpu'], probes: [], params: [], telemetry: false }));
  });

  for (const phase of ['setup', 'verify'] as const) {
    it(`marks a result interrupted during ${phase} aborted, never invalid (its output was never computed)`, async () => {
      const controller = new AbortController();
      const outcome = await runSuite(
        options({
          telemetry: false,
          probes: [findProbe('stream')!],
          overrides: [parseOverride('stream.op=copy'), parseOverride('stream.n=2^16')],
          signal: controller.signal,
          // As a Ctrl-C or a /probe timeout would: the signal fires while the phase runs.
          onProgress: (e) => {
            if (e.type === 'phase' && e.event.phase === phase) controller.abort();
          },
        }),
      );
      expect(outcome.interrupted).toBe(true);
      expect(outcome.results.map((r) => [r.status, r.reason])).toEqual([['aborted', 'interrupted before the result was complete']]);
      expect(outcome.results[0]!.check).toBeNull();
    });
  }

  it('refuses a size that cannot fit before allocating anything, naming the result and the limit', async () => {
    const started = Date.now();
    const run = runSuite(options({ probes: [findProbe('stream')!], overrides: [parseOverride('stream.n=2^24')], availableMemoryBytes: 2 ** 29 }));
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/cpu0\/stream\/op=copy,dtype=f64,n=16777216: needs 896\.0 MiB of host memory, but only 512\.0 MiB/);
    const huge = runSuite(options({ probes: [findProbe('reduce')!], overrides: [parseOverride('reduce.n=2^29')], availableMemoryBytes: 2 ** 31 }));
    await expect(huge).rejects.toThrow(/needs 4\.0 GiB of host memory/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
