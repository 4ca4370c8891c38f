import { describe, expect, it } from 'vitest';
import { planText } from '../../src/cli/plan-view.js';
import type { PlannedItem } from '../../src/measure/suite.js';

const items: PlannedItem[] = [
  { index: 0, id: 'cpu0/stream/op=triad,dtype=f64,n=4194304', device: 'cpu0', estimateSeconds: 12.5 },
  { index: 1, id: 'webgpu1/gemm/dtype=f32,n=256', device: 'webgpu1', estimateSeconds: 75 },
];

describe('planText', () => {
  it('a budgeted plan: results, estimate beside the budget, each result, and what was left out and why', () => {
    const text = planText({
      type: 'plan',
      items,
      preset: 'quick',
      budget: { budgetSeconds: 300, preset: 'quick', estimateSeconds: 290, measureSeconds: 9.5, leftOut: [{ id: 'cpu0/transformer/x', reason: 'one iteration takes ~94 s: 6 need ~564 s, more than the 290 s a result can have in this budget' }] },
    });
    expect(text.split('\n')).toEqual([
      'plan: 2 results on 2 devices, ~4 m 50 s of a 5 m 00 s budget (quick sizes and procedure; ~9.5 s of measuring each)',
      '  cpu0/stream/op=triad,dtype=f64,n=4194304  ~12.5 s',
      '  webgpu1/gemm/dtype=f32,n=256  ~1 m 15 s',
      'left out (1):',
      '  cpu0/transformer/x: one iteration takes ~94 s: 6 need ~564 s, more than the 290 s a result can have in this budget',
      '',
    ]);
  });

  it('groups a long left-out list by reason, without its figures', () => {
    const leftOut = Array.from({ length: 20 }, (_, i) => ({ id: `cpu0/gemm/n=${i}`, reason: `does not fit in the budget of ~${60 + i} s beside the results chosen before it` }));
    const text = planText({ type: 'plan', items, preset: 'quick', budget: { budgetSeconds: 60, preset: 'quick', estimateSeconds: 59, measureSeconds: 2, leftOut } });
    expect(text).toContain('left out (20):\n  20 × does not fit in the budget of … beside the results chosen before it\n');
  });

  it('a preset run: the least time it takes', () => {
    expect(planText({ type: 'plan', items, preset: 'standard', budget: null })).toMatch(/^plan: 2 results on 2 devices at the standard preset, at least ~1 m 28 s \(each measures until its target or its cap\)\n/);
  });
});
