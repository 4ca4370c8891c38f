/**
 * Model probes through the built CLI: engines chosen with --engine, an engine
 * that is not installed reported as skipped with the reason, the report valid
 * against the schema, and one run's engines compared side by side.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectValidReport, removeDir, runCli, tempDir } from '../helpers.js';

const dir = tempDir('models-');
afterAll(() => removeDir(dir));

interface ReportResult {
  probe: string;
  params: Record<string, string | number>;
  status: string;
  reason: string | null;
  engine: string | null;
  notes: string[];
  work: { unit: string; perIteration: { flop?: number; samples?: number } };
  throughput: { unit: string; value: number } | null;
  latency: { headline: string; p90: number } | null;
}

function readResults(path: string): ReportResult[] {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  expectValidReport(report);
  return report.results;
}

describe('model probes from the command line', () => {
  const out = join(dir, 'engines.json');

  it('runs a model on the chosen engines only, verified, with samples as the unit', async () => {
    const r = await runCli(['run', '-b', 'cpu', '-p', 'mlp', '--engine', 'tfjs-cpu,tfjs-wasm', '--param', 'scenario=single-stream,offline', '--preset', 'quick', '--windows', '2', '--no-progress', '-o', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const results = readResults(out);
    expect(results.map((x) => `${x.params.scenario}/${x.params.engine}/${x.status}`)).toEqual([
      'single-stream/tfjs-cpu/completed',
      'single-stream/tfjs-wasm/completed',
      'offline/tfjs-cpu/completed',
      'offline/tfjs-wasm/completed',
    ]);
    for (const x of results) {
      expect(x.work.unit).toBe('sample');
      expect(x.throughput!.unit).toBe('sample/s');
      expect(x.latency!.headline).toBe('p90');
      expect(x.work.perIteration.flop).toBe(x.work.perIteration.samples! * 3 * 2 * 256 * 256);
      expect(x.notes).toContain('memory: no growth (the same live tensors and bytes after warm-up and after the last window)');
    }
    expect(results.find((x) => x.params.engine === 'tfjs-wasm')!.engine).toMatch(/XNNPACK, (SIMD128|no SIMD), \d+ threads?/);
    // The summary's table fits a terminal though the model's parameters and engine names do not: both in full below it.
    const table = r.stdout.split('\n').filter((l) => /^ *(#|\d+) {2}/.test(l));
    expect(table).toHaveLength(1 + results.length);
    for (const line of table) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(r.stdout).toMatch(/^#\d+ mlp scenario=single-stream engine=tfjs-wasm batch=1 .* · engine tfjs-wasm \(TensorFlow\.js .*XNNPACK/m);
    // So does the text report's.
    const text = (await runCli(['report', out])).stdout;
    const section = text.slice(text.search(/^ *# {2}workload/m)).split('\n\n')[0]!.split('\n');
    expect(section).toHaveLength(2 + results.length);
    for (const line of section) expect(line.length, line).toBeLessThanOrEqual(120);
  });

  it("compares one run's engines side by side with --by engine", async () => {
    const r = await runCli(['compare', out, '--by', 'engine', '--baseline', 'tfjs-cpu', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const comparison = JSON.parse(r.stdout) as { reports: Array<{ label: string }>; rows: Array<{ cells: Array<{ comparable: boolean }> }> };
    expect(comparison.reports.map((x) => x.label)).toEqual(['tfjs-cpu', 'tfjs-wasm']);
    expect(comparison.rows).toHaveLength(2); // single-stream and offline, each with both engines
    expect(comparison.rows.every((row) => row.cells.every((c) => c.comparable))).toBe(true);
    const bad = await runCli(['compare', out, '--by', 'nothing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--by nothing: no result .* has a parameter "nothing"/);
  });

  it('reports an engine that is not installed as skipped with the reason, and refuses an unknown engine', async () => {
    const path = join(dir, 'node.json');
    const r = await runCli(['run', '-b', 'cpu', '-p', 'transformer', '--engine', 'tfjs-node', '--param', 'scenario=offline', '--preset', 'quick', '--windows', '2', '--no-progress', '-o', path]);
    expect(r.code).toBe(0);
    const [only] = readResults(path);
    expect(only).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/@tensorflow\/tfjs-node is not installed/) });
    const unknown = await runCli(['run', '--engine', 'tfjs-gpu', '-o', join(dir, 'x.json')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--engine tfjs-gpu: unknown engine; valid: tfjs-cpu, tfjs-wasm, tfjs-node, tfjs-webgpu, tfjs-node-gpu/);
    const devices = JSON.parse((await runCli(['devices', '--json'])).stdout) as { engines: Array<{ id: string; available: boolean; reason: string | null }> };
    expect(devices.engines.find((e) => e.id === 'tfjs-wasm')).toMatchObject({ available: true, reason: null });
    expect(devices.engines.find((e) => e.id === 'tfjs-node-gpu')).toMatchObject({ available: false, reason: expect.stringMatching(/tfjs-node-gpu is not installed/) });
  });
});
