import { describe, expect, it } from 'vitest';
import { parseOverride, planProbes } from '../../src/measure/plan.js';
import { UsageError } from '../../src/core/errors.js';
import { PROBES, findProbe } from '../../probes/index.js';

describe('parameter overrides', () => {
  it('parses probe-scoped and global overrides with number notations', () => {
    expect(parseOverride('gemm.n=1024,2048')).toEqual({ probe: 'gemm', key: 'n', values: [1024, 2048] });
    expect(parseOverride('n=2^20')).toEqual({ probe: null, key: 'n', values: [2 ** 20] });
    expect(parseOverride('stream.n=4Mi')).toEqual({ probe: 'stream', key: 'n', values: [4 * 2 ** 20] });
    expect(parseOverride('op=triad')).toEqual({ probe: null, key: 'op', values: ['triad'] });
    expect(() => parseOverride('nonsense')).toThrow(UsageError);
  });

  it('replaces the preset grid of the probes that have the parameter', () => {
    const plan = planProbes([findProbe('stream')!, findProbe('gemm')!], 'quick', [parseOverride('gemm.n=1024'), parseOverride('stream.op=triad')]);
    expect(plan.map((p) => `${p.probe.id}:${JSON.stringify(p.params)}`)).toEqual([
      'stream:{"op":"triad","dtype":"f64","n":4194304}',
      'gemm:{"dtype":"f32","n":1024}',
    ]);
  });

  it('refuses values outside a parameter’s rules, naming the probe, the value and the rule', () => {
    expect(() => planProbes(PROBES, 'quick', [parseOverride('gemm.n=100')])).toThrow(/gemm.n=100: must be a multiple of 64/);
    expect(() => planProbes(PROBES, 'quick', [parseOverride('stream.op=fma')])).toThrow(/one of copy, scale, add, triad/);
  });

  it('refuses an override no selected probe can take, listing what they take', () => {
    expect(() => planProbes([findProbe('reduce')!], 'quick', [parseOverride('op=copy')])).toThrow(/no selected probe has a parameter "op" \(reduce: n\)/);
    expect(() => planProbes([findProbe('reduce')!], 'quick', [parseOverride('gemn.n=64')], PROBES)).toThrow(/unknown probe "gemn"; valid: stream, fma-peak/);
    expect(() => planProbes([findProbe('reduce')!], 'quick', [parseOverride('gemm.m=64')], PROBES)).toThrow(/probe gemm has no parameter "m" \(it has: dtype, n\)/);
  });

  it('checks, then leaves aside, an override for a probe that exists but is not selected', () => {
    const plan = planProbes([findProbe('reduce')!], 'quick', [parseOverride('gemm.n=128')], PROBES);
    expect(plan).toEqual([{ probe: findProbe('reduce'), params: { n: 2 ** 23 } }]);
    expect(() => planProbes([findProbe('reduce')!], 'quick', [parseOverride('gemm.n=100')], PROBES)).toThrow(/multiple of 64/);
  });

  it('covers every probe in every preset', () => {
    for (const preset of ['quick', 'standard', 'full'] as const) {
      const plan = planProbes(PROBES, preset, []);
      expect(new Set(plan.map((p) => p.probe.id))).toEqual(new Set(PROBES.map((p) => p.id)));
    }
  });
});
