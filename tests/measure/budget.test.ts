import { describe, expect, it } from 'vitest';
import { capFor, planBudget, type BudgetCandidate, type BudgetSettings } from '../../src/measure/budget.js';
import { Rng } from '../../src/core/random.js';

const FAMILIES = ['stream', 'fma-peak', 'gemm', 'reduce', 'launch-latency', 'mlp', 'cnn', 'transformer'];

/** Candidates like a default run's on two devices: a few parameter sets per family, models dearer. */
function candidates(): BudgetCandidate[] {
  return ['cpu0', 'webgpu1'].flatMap((device) =>
    FAMILIES.flatMap((family, f) =>
      [0, 1, 2].map((k) => ({
        id: `${device}/${family}/k=${k}`,
        device,
        family,
        fixedSeconds: (family === 'mlp' || family === 'cnn' || family === 'transformer' ? 4 : 0.5) * (k + 1),
        iterationSeconds: 0.001 * (f + 1) * (k + 1),
      })),
    ),
  );
}

const settings = (budgetSeconds: number): BudgetSettings => ({ budgetSeconds, overheadSeconds: 5, minMeasureSeconds: 1.75, maxMeasureSeconds: Infinity, minIterations: 6 });

describe('planBudget', () => {
  it('covers every family on every device, and fits the budget', () => {
    const plan = planBudget(candidates(), settings(300));
    const covered = new Set(plan.selected.map((c) => `${c.device}/${c.family}`));
    expect(covered.size).toBe(2 * FAMILIES.length);
    // 295 s after the overhead. Firsts: 10 kernels × (0.5 + 1.75) + 6 models × (4 + 1.75) = 57 s. The second sets
    // (16 × 2.75 or 9.75: 86 s) bring it to 143 s, within half (147.5 s); of the third sets only cpu0's stream
    // (3.25 s: 146.25 s) still fits. The measuring shares fill the rest of the budget.
    expect(plan.selected).toHaveLength(16 + 16 + 1);
    expect(plan.selected.filter((c) => c.id.endsWith('k=2')).map((c) => c.id)).toEqual(['cpu0/stream/k=2']);
    expect(plan.estimateSeconds).toBeCloseTo(300, 9);
  });

  it('takes one per family first (the cheapest), then the rest in turn while they fit, and says why the others are out', () => {
    // 60 s: 55 after the overhead; the 16 firsts need 10·(0.5 + 1.75) + 6·(4 + 1.75) = 22.5 + 34.5 = 57: the kernels'
    // ten and five models fit (51.25 s), the sixth model does not; no further set, past half the time (27.5 s).
    const plan = planBudget(candidates(), settings(60));
    const firsts = plan.selected.filter((c) => c.id.endsWith('k=0'));
    expect(firsts).toHaveLength(15);
    expect(plan.selected).toHaveLength(15);
    const out = plan.leftOut.filter((l) => l.candidate.id.endsWith('k=0'));
    expect(out.length).toBe(16 - firsts.length);
    for (const l of out) expect(l.reason).toMatch(/budget of 60 s is spent before it/);
    expect(plan.leftOut.filter((l) => !l.candidate.id.endsWith('k=0')).every((l) => /does not fit in the budget of 60 s: the results chosen before it already take half its time/.test(l.reason))).toBe(true);
    expect(plan.estimateSeconds).toBeLessThanOrEqual(60 + 1e-9);
  });

  it('leaves out a candidate whose iterations alone outlast what any result can have, with the figures', () => {
    const slow: BudgetCandidate = { id: 'cpu0/transformer/train', device: 'cpu0', family: 'transformer', fixedSeconds: 5, iterationSeconds: 94 };
    const plan = planBudget([...candidates(), slow], settings(300));
    const left = plan.leftOut.find((l) => l.candidate === slow);
    expect(left?.reason).toMatch(/one iteration takes ~94 s: 6 need ~564 s, more than the 290 s a result can have/);
    expect(plan.selected).not.toContain(slow);
  });

  it('keeps the run order of the candidates', () => {
    const all = candidates();
    const plan = planBudget(all, settings(100));
    const order = plan.selected.map((c) => all.indexOf(c));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

describe('capFor', () => {
  it('shares what is left after the fixed costs still to come equally, between the minimum and the maximum', () => {
    expect(capFor({ secondsLeft: 100, fixedSecondsLeft: 20, resultsLeft: 4 }, { minMeasureSeconds: 2, maxMeasureSeconds: 60 })).toBe(20);
    expect(capFor({ secondsLeft: 10, fixedSecondsLeft: 20, resultsLeft: 4 }, { minMeasureSeconds: 2, maxMeasureSeconds: 60 })).toBe(2);
    expect(capFor({ secondsLeft: 1000, fixedSecondsLeft: 0, resultsLeft: 2 }, { minMeasureSeconds: 2, maxMeasureSeconds: 60 })).toBe(60);
  });

  // A run of the plan with the real durations off the estimates (fixed costs ×0.5–2, a third of the results
  // converging early): the caps set at each start keep the total within 15 % of the budget.
  it('keeps simulated runs within 15 % of their budget when the estimates are off', () => {
    const rng = new Rng(7);
    for (const budget of [120, 300, 1200]) {
      for (let trial = 0; trial < 50; trial++) {
        const s = settings(budget);
        const plan = planBudget(candidates(), s);
        let t = s.overheadSeconds - 2; // start-up and discovery before the first result; 2 s of report after the last
        plan.selected.forEach((c, i) => {
          const rest = plan.selected.slice(i);
          const cap = capFor({ secondsLeft: budget - t - 2, fixedSecondsLeft: rest.reduce((a, x) => a + x.fixedSeconds, 0), resultsLeft: rest.length }, s);
          const fixed = c.fixedSeconds * rng.uniform(0.5, 2);
          const converged = rng.uniform(0, 1) < 1 / 3;
          t += fixed + (converged ? Math.min(cap, s.minMeasureSeconds * 2) : cap);
        });
        t += 2;
        expect(Math.abs(t / budget - 1)).toBeLessThanOrEqual(0.15);
      }
    }
  });
});
