import { describe, expect, it } from 'vitest';
import { checkParam, defineProbe, expandGrid, headlineWork, paramsLabel } from '../../src/core/probe.js';
import { formatBytes, formatDuration, formatSI } from '../../src/core/units.js';

describe('probe definitions', () => {
  const base = {
    definition: { version: 1, work: 'flop = 2·n', reference: 'none' },
    description: 'test',
    headline: 'flop' as const,
    latencyHeadline: 'p50' as const,
    params: { n: { description: 'size', integer: { min: 8, max: 64, multipleOf: 8 } }, op: { description: 'op', values: ['a', 'b'] } },
    presets: { quick: { n: [8], op: ['a'] }, standard: { n: [16, 32], op: ['a', 'b'] }, full: { n: [64], op: ['b'] } },
    work: ({ n }: { n: number; op: string }) => ({ flop: 2 * n }),
    memoryBytes: () => 0,
    inputs: () => ({}),
    reference: () => ({ values: new Float64Array() }),
    tolerance: () => 0,
    impl: {},
  };

  it('accepts a consistent definition', () => {
    expect(defineProbe({ ...base, id: 'ok-probe' }).id).toBe('ok-probe');
  });

  it('rejects bad ids and preset values that break the parameter rules', () => {
    expect(() => defineProbe({ ...base, id: 'Bad_Id' })).toThrow(/kebab-case/);
    expect(() => defineProbe({ ...base, id: 'x', presets: { ...base.presets, quick: { n: [12], op: ['a'] } } })).toThrow(/multiple of 8/);
    expect(() => defineProbe({ ...base, id: 'x', presets: { ...base.presets, full: { n: [64], op: [] } } })).toThrow(/no values/);
    expect(() => defineProbe({ ...base, id: 'x', definition: { ...base.definition, version: 0 } })).toThrow(/version must be a positive integer/);
    expect(() => defineProbe({ ...base, id: 'x', definition: { ...base.definition, work: ' ' } })).toThrow(/declare its work formula/);
  });

  it('checks parameter values', () => {
    expect(checkParam(base.params.n, 16)).toBeNull();
    expect(checkParam(base.params.n, 72)).toMatch(/between 8 and 64/);
    expect(checkParam(base.params.n, 8.5)).toMatch(/integer/);
    expect(checkParam(base.params.op, 'c')).toMatch(/one of a, b/);
  });

  it('expands grids in a stable order and labels parameter sets', () => {
    const sets = expandGrid({ n: [16, 32], op: ['a', 'b'] });
    expect(sets).toEqual([{ n: 16, op: 'a' }, { n: 16, op: 'b' }, { n: 32, op: 'a' }, { n: 32, op: 'b' }]);
    expect(paramsLabel(sets[1]!)).toBe('n=16,op=b');
    expect(expandGrid({})).toEqual([{}]);
  });

  it('requires the headline work to be counted', () => {
    const p = defineProbe({ ...base, id: 'y' });
    expect(headlineWork(p, { n: 8, op: 'a' })).toBe(16);
    const broken = defineProbe({ ...base, id: 'z', work: () => ({ bytes: 1 }) });
    expect(() => headlineWork(broken, { n: 8, op: 'a' })).toThrow(/no flop/);
  });
});

describe('units', () => {
  it('formats with SI prefixes and keeps missing values visible', () => {
    expect(formatSI(1.2345e10, 'FLOP/s')).toBe('12.35 GFLOP/s');
    expect(formatSI(4.5e-7, 's', 3)).toBe('450 ns');
    expect(formatSI(null, 'W')).toBe('—');
    expect(formatSI(NaN, 'W')).toBe('—');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatDuration(65)).toBe('1 m 05 s');
  });
});
