import { describe, expect, it } from 'vitest';
import { compareReports, labelsFor, resultKey } from '../../src/compare/compare.js';
import { comparisonDocument } from '../../src/compare/document.js';
import { comparisonJson } from '../../src/compare/json.js';
import { ratioComponents, ratioOf, verdictOf } from '../../src/compare/ratio.js';
import { tQuantile } from '../../src/measure/stats.js';
import { renderText } from '../../src/views/text.js';
import { renderMarkdown } from '../../src/views/markdown.js';
import { budgetOf, reportWith, resultWith } from '../fixtures/report.js';
import { sensorComponents } from '../../src/measure/sensor-terms.js';
import { combine, intervalOf } from '../../src/measure/uncertainty.js';
import type { Result } from '../../src/measure/result.js';
import type { SensorInfo } from '../../src/telemetry/types.js';

const pair = (a: Parameters<typeof resultWith>[0], b: Parameters<typeof resultWith>[0], opts: { sameDevice?: boolean; force?: boolean } = {}) =>
  compareReports(
    [
      { label: 'a', source: 'a.json', report: reportWith([resultWith(a)], { hostname: 'node-a', uuid: 'GPU-A' }) },
      { label: 'b', source: 'b.json', report: reportWith([resultWith(b)], { hostname: 'node-b', uuid: opts.sameDevice ? 'GPU-A' : 'GPU-B' }) },
    ],
    { force: opts.force },
  );

describe('ratioOf', () => {
  it('combines both budgets in quadrature with Welch–Satterthwaite degrees of freedom and a t coverage factor', () => {
    const r = ratioOf({ value: 100, budget: budgetOf(0.01, 4) }, { value: 110, budget: budgetOf(0.01, 4) }, false)!;
    expect(r.value).toBeCloseTo(1.1, 12);
    // u = √2 × 1 %; ν = u⁴ / (2 × 0.01⁴ / 4) = 8; k = t(0.975, 8) = 2.306.
    expect(r.dof).toBeCloseTo(8, 9);
    expect(tQuantile(0.975, 8)).toBeCloseTo(2.306, 3);
    expect(r.relExpanded).toBeCloseTo(2.306 * Math.SQRT2 * 0.01, 4);
    // Log-symmetric, always positive: [1.1 / e^U, 1.1 · e^U].
    expect(r.ci95[0]).toBeCloseTo(1.1 / Math.exp(r.relExpanded), 12);
    expect(r.ci95[1]).toBeCloseTo(1.1 * Math.exp(r.relExpanded), 12);
  });

  it('keeps a ratio’s interval positive however uncertain (few blocks, t with 1 dof)', () => {
    const r = ratioOf({ value: 100, budget: budgetOf(0.2, 1) }, { value: 100, budget: budgetOf(0.2, 1) }, false)!;
    expect(r.relExpanded).toBeGreaterThan(1);
    expect(r.ci95[0]).toBeGreaterThan(0);
    expect(r.ci95[0] * r.ci95[1]).toBeCloseTo(1, 12);
  });

  it('drops type B terms when both results were read from the same instrument', () => {
    const a = { value: 1, budget: budgetOf(0.001, 20, [0.03]) };
    const b = { value: 1.02, budget: budgetOf(0.001, 20, [0.03]) };
    expect(verdictOf(ratioOf(a, b, false)!)).toBe('no significant difference');
    const same = ratioOf(a, b, true)!;
    expect(same.correlatedTypeB).toBe(true);
    expect(verdictOf(same)).toBe('higher');
  });

  it('has no ratio for a zero, negative or non-finite value, and no interval without budgets', () => {
    expect(ratioOf({ value: 0, budget: budgetOf(0.01, 4) }, { value: 1, budget: budgetOf(0.01, 4) }, false)).toBeNull();
    expect(ratioOf({ value: 1, budget: null }, { value: 2, budget: budgetOf(0.01, 4) }, false)).toBeNull();
    expect(ratioOf({ value: Infinity, budget: budgetOf(0.01, 4) }, { value: 1, budget: budgetOf(0.01, 4) }, false)).toBeNull();
  });
});

describe('compareReports, on reports whose answers are known', () => {
  it('identical reports: no difference anywhere, ratio exactly 1', () => {
    const c = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 1e12, relA: 0.002 });
    const q = c.rows[0]!.cells[1]!.quantities.throughput!;
    expect(q.ratio!.value).toBe(1);
    expect(q.verdict).toBe('no significant difference');
    expect(c.rows[0]!.cells[1]!.quantities.efficiency!.verdict).toBe('no significant difference');
  });

  it('10 % faster with tight windows: faster', () => {
    const c = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 1.1e12, relA: 0.002 });
    const q = c.rows[0]!.cells[1]!.quantities.throughput!;
    expect(q.ratio!.value).toBeCloseTo(1.1, 12);
    expect(q.ratio!.ci95[0]).toBeGreaterThan(1);
    expect(q.verdict).toBe('higher');
    expect(renderText(comparisonDocument(c))).toMatch(/×1\.100 \[1\.0\d\d, 1\.1\d\d\]: faster/);
  });

  it('10 % slower: slower; latency ratios go the other way', () => {
    const c = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 0.9e12, relA: 0.002 });
    expect(c.rows[0]!.cells[1]!.quantities.throughput!.verdict).toBe('lower');
    expect(renderText(comparisonDocument(c))).toMatch(/: slower/);
  });

  it('overlapping intervals: no significant difference', () => {
    const c = pair({ throughput: 1e12, relA: 0.02, dof: 3 }, { throughput: 1.03e12, relA: 0.02, dof: 3 });
    const q = c.rows[0]!.cells[1]!.quantities.throughput!;
    expect(q.ratio!.ci95[0]).toBeLessThan(1);
    expect(q.ratio!.ci95[1]).toBeGreaterThan(1);
    expect(q.verdict).toBe('no significant difference');
  });

  it('a different kernel hash: not comparable, with the reason — unless forced', () => {
    const c = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 2e12, relA: 0.002, definitionHash: `sha256:${'cd'.repeat(32)}` });
    const cell = c.rows[0]!.cells[1]!;
    expect(cell.comparable).toBe(false);
    expect(cell.reason).toMatch(/probe definitions differ \(abababababab vs cdcdcdcdcdcd\)/);
    expect(cell.quantities.throughput!.ratio).toBeNull();
    expect(renderText(comparisonDocument(c))).toMatch(/not comparable: probe definitions differ/);
    const forced = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 2e12, relA: 0.002, definitionHash: `sha256:${'cd'.repeat(32)}` }, { force: true });
    expect(forced.rows[0]!.cells[1]!.comparable).toBe(true);
    expect(forced.rows[0]!.cells[1]!.reason).toMatch(/^forced: /);
    expect(forced.rows[0]!.cells[1]!.quantities.throughput!.verdict).toBe('higher');
  });

  it('a hash of the build-dependent scheme of flopmeter 0.1.0: not comparable, saying so — unless forced', () => {
    const old = { throughput: 1e12, relA: 0.002, definitionScheme: null };
    const current = { throughput: 1e12, relA: 0.002, definitionHash: `sha256:${'cd'.repeat(32)}` };
    const why = "definition hash computed by an older scheme (1, flopmeter 0.1.0); re-run to compare, or --force";
    const c = pair(old, current);
    expect(c.rows[0]!.cells[1]!.comparable).toBe(false);
    expect(c.rows[0]!.cells[1]!.reason).toBe(`baseline result's ${why}`);
    expect(pair(current, old).rows[0]!.cells[1]!.reason).toBe(`this result's ${why}`);
    expect(renderText(comparisonDocument(c))).toMatch(/not comparable: baseline result's definition hash computed by an older scheme/);
    const forced = pair(old, current, { force: true }).rows[0]!.cells[1]!;
    expect(forced.comparable).toBe(true);
    expect(forced.reason).toBe(`forced: baseline result's ${why}`);
    // Two reports of the old scheme with the same hash (the same build) stay comparable.
    expect(pair(old, { ...old, throughput: 1.1e12 }).rows[0]!.cells[1]!.quantities.throughput!.verdict).toBe('higher');
  });

  it('a report without kinds in its budgets: sensor accuracy cancels for the same GPU measured twice, not across two GPUs', () => {
    const a = { throughput: 1e12, relA: 0.001, dof: 20, efficiency: 1e10, efficiencyTypeB: [0.03] };
    const b = { ...a, efficiency: 1.02e10 };
    expect(pair(a, b, { sameDevice: true }).rows[0]!.cells[1]!.quantities.efficiency!.verdict).toBe('higher');
    expect(pair(a, b).rows[0]!.cells[1]!.quantities.efficiency!.verdict).toBe('no significant difference');
  });

  it('matches by backend, device, probe and parameters (in any key order), and shows what is missing', () => {
    const x = resultWith({ throughput: 1e12, relA: 0.002, params: { n: 256, dtype: 'f32' } });
    const y = resultWith({ throughput: 1e12, relA: 0.002, params: { dtype: 'f32', n: 256 } });
    expect(resultKey(x)).toBe(resultKey(y));
    const only = resultWith({ throughput: 5e11, relA: 0.002, params: { n: 512, dtype: 'f32' } });
    const c = compareReports([
      { label: 'a', source: 'a.json', report: reportWith([x]) },
      { label: 'b', source: 'b.json', report: reportWith([y, only]) },
    ]);
    expect(c.rows.length).toBe(2);
    expect(c.rows[1]!.cells[0]!.reason).toBe('not in this report');
    expect(c.rows[1]!.cells[1]!.reason).toBe('not in the baseline');
  });

  it('a fleet: one column per report against the chosen baseline', () => {
    const reports = [1, 1.1, 0.9, 1].map((f, i) => ({ label: `node${i + 1}`, source: `node${i + 1}.json`, report: reportWith([resultWith({ throughput: 1e12 * f, relA: 0.002 })], { hostname: `node${i + 1}`, uuid: `GPU-${i}` }) }));
    const c = compareReports(reports, { baseline: 3 });
    expect(c.baseline).toBe(3);
    expect(c.rows[0]!.cells.map((cell) => cell.quantities.throughput!.verdict ?? 'baseline')).toEqual(['no significant difference', 'higher', 'lower', 'baseline']);
    const md = renderMarkdown(comparisonDocument(c));
    expect(md).toContain('| quantity | node1 | node2 | node3 | node4 (baseline) |');
    // The hosts side by side, the differing host name marked.
    expect(md).toMatch(/\| host \| host name \| \*\*node1\*\* \| \*\*node2\*\* \| \*\*node3\*\* \| \*\*node4\*\* \|/);
  });

  it('as JSON: results by id, every verdict and reason', () => {
    const c = pair({ throughput: 1e12, relA: 0.002 }, { throughput: 1.1e12, relA: 0.002 });
    const j = comparisonJson(c) as { schema: string; rows: Array<{ cells: Array<{ result: string; quantities: { throughput: { verdict: string } } }> }> };
    expect(j.schema).toBe('flopmeter/comparison@1');
    expect(j.rows[0]!.cells[1]!.result).toBe(c.rows[0]!.cells[1]!.result!.id);
    expect(j.rows[0]!.cells[1]!.quantities.throughput.verdict).toBe('higher');
  });
});

describe('labelsFor', () => {
  it('uses file names, and parent folders where names repeat', () => {
    expect(labelsFor(['runs/a.json', 'runs/b.json'])).toEqual(['a', 'b']);
    expect(labelsFor(['x/run.json', 'y/run.json'])).toEqual(['x/run', 'y/run']);
  });
});

describe('compare on one instrument, with budget lines that carry their kind', () => {
  /** A GPU power sensor stated ±3 % gain and ±5 W offset. */
  const gpu: SensorInfo = { sampler: 'nvml', device: 'gpu', quantity: 'energy', unit: 'J', description: 'counter', accuracy: { relative: 0.03, absolute: 5, source: 'stated' } };
  /** A result of `efficiency` FLOP/J drawn at `watts`: a 0.2 % statistical line (20 dof) and the sensor's lines, through the real code. */
  const measured = (efficiency: number, watts: number): Result => {
    const r = resultWith({ throughput: 1e12, relA: 0.002, dof: 20 });
    const budget = combine([{ source: 'window-to-window spread', type: 'A', relative: 0.002, dof: 20, distribution: 't', kind: 'statistical' }, ...sensorComponents(gpu, { watts, seconds: 5, rangeWatts: null })]);
    return { ...r, efficiency: { value: efficiency, unit: 'FLOP/J', ci95: intervalOf(efficiency, budget), dynamic: null }, uncertainty: { ...r.uncertainty!, efficiency: budget } };
  };
  const compared = (a: Result, b: Result, uuids: [string, string]) =>
    compareReports([
      { label: 'a', source: 'a.json', report: reportWith([a], { hostname: 'node-a', uuid: uuids[0] }) },
      { label: 'b', source: 'b.json', report: reportWith([b], { hostname: 'node-b', uuid: uuids[1] }) },
    ]).rows[0]!.cells[1]!.quantities.efficiency!;

  it('same sensor, 2 % more work per joule at 250 W instead of 300 W: the gain is dropped, the offset stays (correlated)', () => {
    const [a, b] = [measured(1e10, 300), measured(1.02e10, 250)];
    const lines = ratioComponents(a.uncertainty!.efficiency!.components, b.uncertainty!.efficiency!.components, true);
    expect(lines.map((c) => c.kind)).toEqual(['statistical', 'statistical', 'offset']);
    // One offset o in both: (P_B + o)/(P_A + o) moves by o(1/250 − 1/300); u(o) = 5/√3 W → 2.88675 × 6.66667e-4 = 0.192450 %.
    expect(lines[2]!.relative).toBeCloseTo(0.0019245, 7);
    const q = compared(a, b, ['GPU-A', 'GPU-A']);
    // u = √(2 × 0.2² + 0.19245²) % = 0.342111 %.
    expect(q.ratio!.value).toBeCloseTo(1.02, 12);
    expect(q.ratio!.relExpanded / tQuantile(0.975, q.ratio!.dof!)).toBeCloseTo(0.00342111, 7);
    expect(q.verdict).toBe('higher');
  });

  it('two sensors: gain and offset of both stay, and 2 % is within the noise', () => {
    const [a, b] = [measured(1e10, 300), measured(1.02e10, 250)];
    const lines = ratioComponents(a.uncertainty!.efficiency!.components, b.uncertainty!.efficiency!.components, false);
    expect(lines.map((c) => c.kind)).toEqual(['statistical', 'gain', 'offset', 'statistical', 'gain', 'offset']);
    // Offsets 5/300/√3 = 0.962250 % and 5/250/√3 = 1.15470 %, gains 1.73205 % each.
    expect(lines[2]!.relative).toBeCloseTo(0.0096225, 7);
    expect(lines[5]!.relative).toBeCloseTo(0.0115470, 7);
    const q = compared(a, b, ['GPU-A', 'GPU-B']);
    // u = √(0.08 + 6 + 0.925926 + 1.33333) % = 2.88777 %.
    expect(q.ratio!.relExpanded / tQuantile(0.975, q.ratio!.dof ?? Infinity)).toBeCloseTo(0.0288777, 6);
    expect(q.verdict).toBe('no significant difference');
  });

  it('an older report (no kinds) against a new one on the same sensor: the old type B lines cancel as before, the new offset stays whole', () => {
    const old = resultWith({ throughput: 1e12, relA: 0.002, dof: 20, efficiency: 1e10, efficiencyTypeB: [0.03] });
    const lines = ratioComponents(old.uncertainty!.efficiency!.components, measured(1.02e10, 250).uncertainty!.efficiency!.components, true);
    expect(lines.map((c) => c.kind ?? 'none')).toEqual(['none', 'statistical', 'offset']);
    expect(lines[2]!.relative).toBeCloseTo(0.0115470, 7);
  });
});
