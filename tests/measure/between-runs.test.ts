import { describe, expect, it } from 'vitest';
import { betweenRuns, isRunRecord, measurementKey, recordOf, withBetweenRuns, withoutBetweenRuns, WINDOW_RUNS, type RunRecord } from '../../src/measure/between-runs.js';
import { Rng } from '../../src/core/random.js';
import { percentile, tQuantile } from '../../src/measure/stats.js';
import { combine } from '../../src/measure/uncertainty.js';
import { resultWith } from '../fixtures/report.js';

/** Runs at exp(x) with relative u and dof. */
const runs = (logs: number[], relU: number, dof: number | null): RunRecord[] => logs.map((x) => ({ value: 100 * Math.exp(x), relU, dof }));

/** A standard normal deviate (Box–Muller). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A type A relative u with `dof` degrees of freedom of a true σ: σ √(χ²_dof / dof). */
function statedU(rng: Rng, sigma: number, dof: number): number {
  let chi2 = 0;
  for (let i = 0; i < dof; i++) chi2 += normal(rng) ** 2;
  return sigma * Math.sqrt(chi2 / dof);
}

describe('betweenRuns (DerSimonian–Laird on log values)', () => {
  it('computes a worked example: τ² = (Q − (H − 1)) / (W − Σw² / W), with Satterthwaite’s dof', () => {
    // w = 1e4 each; Q = 2 · (9 + 9 + 1 + 1)e-4 · 1e4 = 40; W = 8e4, c = 8e4 − 8e8 / 8e4 = 7e4; τ² = (40 − 7) / 7e4.
    const logs = [0.03, -0.03, 0.01, -0.01, 0.03, -0.03, 0.01, -0.01];
    const tau = betweenRuns(runs(logs, 0.01, null))!;
    expect(tau.relative).toBeCloseTo(Math.sqrt(33 / 7e4), 12);
    expect(tau.runs).toBe(8);
    // With exact stated u's and equal weights, 2 τ⁴ / Var(τ̂²) = (H − 1) (τ² / (τ² + v))² with v = 1e-4.
    expect(tau.dof).toBeCloseTo(7 * (33 / 7e4 / (33 / 7e4 + 1e-4)) ** 2, 10);
  });

  it('weighs a stated u with ν dof by its t variance u² ν / (ν − 2)', () => {
    // ν = 4 doubles each variance: w = 5e3, Q = 20, c = 4e4 − 8 · 2.5e7 / 4e4 = 3.5e4; τ² = 13 / 3.5e4.
    const logs = [0.03, -0.03, 0.01, -0.01, 0.03, -0.03, 0.01, -0.01];
    expect(betweenRuns(runs(logs, 0.01, 4))!.relative).toBeCloseTo(Math.sqrt(13 / 3.5e4), 12);
  });

  it('is 0 for runs that agree within what they stated, null with too few, and uses the latest runs only', () => {
    expect(betweenRuns(runs([0.005, -0.005, 0.002, -0.002, 0, 0.001, -0.001, 0], 0.01, 10))!.relative).toBe(0);
    expect(betweenRuns(runs([0.03, -0.03, 0.01, -0.01, 0.03, -0.03, 0.01], 0.01, null))).toBeNull();
    const old = runs([0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5], 0.01, null);
    const recent = runs(Array.from({ length: WINDOW_RUNS }, (_, i) => (i % 2 ? 0.001 : -0.001)), 0.01, null);
    expect(betweenRuns([...old, ...recent])).toEqual({ relative: 0, dof: WINDOW_RUNS - 1, runs: WINDOW_RUNS });
  });

  /**
   * Runs whose host state shifts each run's mean by σ_b while each states a u (type A) that is right for its own
   * scatter: a new run's interval, its own budget plus the line from H earlier runs, should cover the true value in
   * ≥ 94 % of series (the bar for the stopping rules), its half-width within 2× an oracle's that knows both
   * σs in the median and within 8× in the 99th percentile; its own budget alone covers far less once σ_b is there.
   * Mixed: runs as the CI VM's, a quarter disturbed (8 %, 2 dof), a quarter quiet (1 %, 11 dof), the rest 2 %, 5 dof.
   */
  it('makes a new run’s interval cover when the host shifts between runs (simulated, 3000 series each)', () => {
    const scenarios = [
      { sigmaB: 0, H: 8 },
      { sigmaB: 0.01, H: 8 },
      { sigmaB: 0.02, H: 8 },
      { sigmaB: 0.03, H: 8 },
      { sigmaB: 0.05, H: 8 },
      { sigmaB: 0.02, H: 12 },
      { sigmaB: 0.05, H: 20 },
      { sigmaB: 0.1, H: 8 },
      { sigmaB: 0, H: 12, mixed: true },
      { sigmaB: 0.01, H: 8, mixed: true },
      { sigmaB: 0.03, H: 8, mixed: true },
      { sigmaB: 0.05, H: 8, mixed: true },
    ];
    for (const { sigmaB, H, mixed } of scenarios) {
      const rng = new Rng(2026 + H + Math.round(sigmaB * 1000) + (mixed ? 1 : 0));
      const run = (): RunRecord & { sigmaW: number } => {
        const [sigmaW, dof] = mixed && rng.next() < 0.5 ? (rng.next() < 0.5 ? [0.01, 11] : [0.08, 2]) : [0.02, 5];
        return { value: Math.exp(sigmaB * normal(rng) + sigmaW * normal(rng)), relU: statedU(rng, sigmaW, dof), dof, sigmaW };
      };
      let covered = 0;
      let coveredAlone = 0;
      const widthRatios: number[] = [];
      const series = 3000;
      for (let s = 0; s < series; s++) {
        const now = run();
        const tau = betweenRuns([...Array.from({ length: H }, run), now])!;
        const own = { source: 'own', type: 'A' as const, relative: now.relU, dof: now.dof, distribution: 't' as const };
        const budget = combine([own, { ...own, source: 'between', relative: tau.relative, dof: tau.dof }]);
        widthRatios.push(budget.relExpanded / (1.96 * Math.hypot(sigmaB, now.sigmaW)));
        if (Math.abs(Math.log(now.value)) <= budget.relExpanded) covered++;
        if (Math.abs(Math.log(now.value)) <= tQuantile(0.975, now.dof!) * now.relU) coveredAlone++;
      }
      const what = `σ_b ${sigmaB}, ${H} earlier runs${mixed ? ', mixed' : ''}`;
      expect(covered / series, what).toBeGreaterThanOrEqual(0.94);
      expect(percentile(widthRatios, 50), what).toBeLessThan(2);
      expect(percentile(widthRatios, 99), what).toBeLessThan(8);
      if (sigmaB >= 0.05) expect(coveredAlone / series, what).toBeLessThan(0.75);
    }
  });

  /**
   * A host that moved (GEMM on the CI VM: 33 or 60 GFLOP/s for hours): 12 runs in the old state, then 8 in the new,
   * each scattering 2 % between runs. A new run's interval should be the new state's, not the jump's: covering it in
   * ≥ 94 % of series within 2× the oracle's half-width in the median. Pooling all 20 runs made it 12× as wide.
   */
  it('forgets a state the host has left once the window has passed it (simulated, 3000 series)', () => {
    const rng = new Rng(33);
    const sigmaB = 0.02;
    const sigmaW = 0.02;
    const run = (mode: number): RunRecord => ({ value: Math.exp(mode + sigmaB * normal(rng) + sigmaW * normal(rng)), relU: statedU(rng, sigmaW, 5), dof: 5 });
    let covered = 0;
    const widthRatios: number[] = [];
    for (let s = 0; s < 3000; s++) {
      const now = run(0);
      const tau = betweenRuns([...Array.from({ length: 12 }, () => run(-0.6)), ...Array.from({ length: 8 }, () => run(0)), now])!;
      const own = { source: 'own', type: 'A' as const, relative: now.relU, dof: now.dof, distribution: 't' as const };
      const budget = combine([own, { ...own, source: 'between', relative: tau.relative, dof: tau.dof }]);
      widthRatios.push(budget.relExpanded / (1.96 * Math.hypot(sigmaB, sigmaW)));
      if (Math.abs(Math.log(now.value)) <= budget.relExpanded) covered++;
    }
    expect(covered / 3000).toBeGreaterThanOrEqual(0.94);
    expect(percentile(widthRatios, 50)).toBeLessThan(2);
  });

  it('reads no excess, in the median, when the runs scatter as their t-distributed budgets say (5 dof)', () => {
    const rng = new Rng(7);
    const taus = Array.from({ length: 1000 }, () =>
      betweenRuns(
        Array.from({ length: 8 }, () => ({ value: Math.exp(0.02 * normal(rng)), relU: statedU(rng, 0.02, 5), dof: 5 })),
      )!.relative,
    );
    expect(percentile(taus, 50)).toBe(0);
    expect(percentile(taus, 90)).toBeLessThan(0.02);
  });
});

describe('isRunRecord', () => {
  it('takes finite positive figures only, as a hand-edited or foreign history may hold anything', () => {
    expect(isRunRecord({ value: 1, relU: 0.01, dof: 4 })).toBe(true);
    expect(isRunRecord({ value: 1, relU: 0.01, dof: null })).toBe(true);
    for (const bad of [null, 3, {}, { value: 1, relU: 0.01 }, { value: Infinity, relU: 0.01, dof: 4 }, { value: 1, relU: 0, dof: 4 }, { value: 1, relU: 0.01, dof: 0 }, { value: '1', relU: 0.01, dof: 4 }, { value: 1, relU: NaN, dof: 4 }]) {
      expect(isRunRecord(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('withBetweenRuns', () => {
  const result = resultWith({ throughput: 1e9, relA: 0.01, dof: 20, efficiency: 5e7 });
  const earlier = [0.06, -0.06, 0.02, -0.02, 0, 0.04, -0.04, 0.01].map((x) => ({ throughput: { value: 1e9 * Math.exp(x), relU: 0.01, dof: 20 } }));

  it('adds a between-run line to the budgets it has earlier runs for, and widens their intervals', () => {
    const { result: out, added } = withBetweenRuns(result, earlier);
    expect(added).toEqual(['throughput']);
    const budget = out.uncertainty!.throughput;
    const line = budget.components.at(-1)!;
    const tau = betweenRuns([...earlier.map((e) => e.throughput), recordOf(result)!.throughput!])!;
    expect(line).toMatchObject({ type: 'A', kind: 'between-runs', dof: tau.dof, relative: tau.relative });
    expect(tau.relative).toBeGreaterThan(0.03);
    expect(line.source).toMatch(/^throughput: between runs \(8 runs of this result on this host, this one and the latest before it/);
    expect(budget.relCombined).toBeCloseTo(Math.hypot(result.uncertainty!.throughput.relCombined, line.relative), 12);
    expect(out.throughput!.ci95[1] - out.throughput!.value).toBeCloseTo(budget.relExpanded * 1e9, 0);
    expect(out.throughput!.ci95[1]).toBeGreaterThan(result.throughput!.ci95[1]);
    // Work per joule had no earlier runs: unchanged.
    expect(out.uncertainty!.efficiency).toEqual(result.uncertainty!.efficiency);
    expect(out.efficiency!.ci95).toEqual(result.efficiency!.ci95);
  });

  it('leaves its input unchanged, and a result without enough earlier runs as it was', () => {
    const before = structuredClone(result);
    withBetweenRuns(result, earlier);
    expect(result).toEqual(before);
    expect(withBetweenRuns(result, earlier.slice(0, 6))).toEqual({ result, added: [] });
  });

  it('takes the lines out again: the result as its run stated it', () => {
    const { result: out } = withBetweenRuns(result, earlier);
    const back = withoutBetweenRuns(out);
    expect(back.uncertainty).toEqual(result.uncertainty);
    back.throughput!.ci95.forEach((x, i) => expect(x).toBeCloseTo(result.throughput!.ci95[i]!, 3));
    expect(withoutBetweenRuns(result)).toBe(result);
    expect(recordOf(out)).toEqual(recordOf(result));
  });

  it('records each quantity’s type A part, not its sensor’s type B lines, and nothing of a result that did not complete', () => {
    // Work per joule with a 3 % gain-like type B line, the same in every run: it must not hide the runs' scatter.
    const withSensor = resultWith({ throughput: 1e9, relA: 0.01, dof: 20, efficiency: 5e7, efficiencyTypeB: [0.03] });
    expect(withSensor.uncertainty!.efficiency!.relCombined).toBeGreaterThan(0.03);
    expect(recordOf(withSensor)).toEqual({
      throughput: { value: 1e9, relU: expect.closeTo(0.01, 12), dof: expect.closeTo(20, 9) },
      efficiency: { value: 5e7, relU: expect.closeTo(0.01, 12), dof: expect.closeTo(20, 9) },
    });
    expect(recordOf({ ...result, status: 'errored' })).toBeNull();
  });

  it('keys a measurement by host, result, engine, definition and procedure', () => {
    const key = measurementKey(result, 'h1', 'standard');
    expect(measurementKey(structuredClone(result), 'h1', 'standard')).toBe(key);
    expect(measurementKey(result, 'h2', 'standard')).not.toBe(key);
    expect(measurementKey(result, 'h1', 'quick')).not.toBe(key);
    expect(measurementKey({ ...result, definitionHash: 'other' }, 'h1', 'standard')).not.toBe(key);
    expect(measurementKey({ ...result, engine: 'other' }, 'h1', 'standard')).not.toBe(key);
  });
});
