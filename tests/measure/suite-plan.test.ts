import { describe, expect, it } from 'vitest';
import { planToBudget, type SuiteItem } from '../../src/measure/suite-plan.js';
import type { MeasurePreset } from '../../src/measure/presets.js';

/** Items of two probe families on one device; a preset's sizes cost more the more thorough it is. */
function itemsFor(preset: MeasurePreset): SuiteItem[] {
  const scale = { quick: 1, standard: 4, full: 16 }[preset.id];
  return ['stream', 'gemm'].map((family, index) => ({
    id: `cpu0/${family}/${preset.id}`,
    probe: { id: family },
    params: {},
    session: {},
    fixedSeconds: scale,
    iterationSeconds: 0.01 * scale,
    planned: { index, id: `cpu0/${family}/${preset.id}`, device: 'cpu0', estimateSeconds: 0 },
  })) as unknown as SuiteItem[];
}

const windowSeconds = (p: MeasurePreset): number => p.window.minSeconds;
const req = (budgetSeconds: number) => ({ budgetSeconds, elapsedSeconds: 1, idleSeconds: 0 });
const fitsAll = (): boolean => true;

describe('planToBudget', () => {
  it('takes quick for a small budget, and the most thorough preset whose first stage each result can afford for a large one', () => {
    expect(planToBudget(itemsFor, windowSeconds, req(60), fitsAll).preset.id).toBe('quick');
    // standard's first stage: 12 blocks × 2 × (1 s + 0.1 s) + 11 × 0.6 s = 33 s a result; full's: 8 × 2 × 5.5 + 7 × 2.1 = 102.7 s.
    expect(planToBudget(itemsFor, windowSeconds, req(120), fitsAll).preset.id).toBe('standard');
    expect(planToBudget(itemsFor, windowSeconds, req(600), fitsAll).preset.id).toBe('full');
  });

  it('passes over a preset whose sizes do not fit the devices', () => {
    const plan = planToBudget(itemsFor, windowSeconds, req(600), (item) => !item.id.endsWith('/full'));
    expect(plan.preset.id).toBe('standard');
    expect(plan.items.map((i) => i.id)).toEqual(['cpu0/stream/standard', 'cpu0/gemm/standard']);
    expect(plan.all).toHaveLength(2);
  });

  it('keeps the preset the user named, and gives each item the plan’s estimate', () => {
    const plan = planToBudget(itemsFor, windowSeconds, req(600), fitsAll, 'quick');
    expect(plan.preset.id).toBe('quick');
    expect(plan.budget.preset).toBe('quick');
    // 600 − 1 s elapsed − 2 s for the report − 2 × 1 s fixed, shared by two.
    expect(plan.budget.measureSeconds).toBeCloseTo((600 - 1 - 2 - 2) / 2, 9);
    expect(plan.items.map((i) => i.planned.estimateSeconds)).toEqual([1 + plan.budget.measureSeconds, 1 + plan.budget.measureSeconds]);
  });
});
