/**
 * Turns a result's windows into estimates with their uncertainty budgets:
 * throughput, power, energy per unit of work and work per joule, total and
 * above idle. Type A terms come from the per-window values of each quantity
 * itself (so correlations between work and energy are kept); type B terms
 * from the energy sensor's stated accuracy and resolution and the timer's
 * resolution.
 */
import type { SensorInfo } from '../telemetry/types.js';
import { blockEstimate, type Blocks } from './blocks.js';
import { linearTrend, mean, relStdDev } from './stats.js';
import { combine, intervalOf, typeBRectangular, type UncertaintyBudget, type UncertaintyComponent } from './uncertainty.js';
import { dynamicFigures, type DynamicFigures, type IdleReading } from './dynamic.js';
import type { IdleBaseline } from './idle.js';
import { sensorComponents } from './sensor-terms.js';
import type { Budgets, Drift, EfficiencySummary, EnergySummary, Estimate, PowerSummary, ThroughputEstimate, WindowRecord } from './result.js';
import type { StoppingDecision } from './stopping.js';

export interface SummaryInput {
  windows: WindowRecord[];
  /** Headline work per iteration. */
  workPerIteration: number;
  /** Headline unit of work, e.g. "FLOP". */
  unit: string;
  timerResolutionSeconds: number;
  /** The sensor the window energies came from, and how. */
  energy: { sensor: SensorInfo; method: 'counter' | 'integrated' } | { missing: string };
  idleWatts: number | null;
  /** The baseline behind idleWatts: its length and readings' spread, for the above-idle budgets (src/measure/dynamic.ts). */
  idleBaseline?: IdleBaseline;
  /** Mean range of the energy sensor's readings within a window, W (src/measure/readings.ts): bounds what a part-time sensor missed. */
  readingRangeWatts?: number | null;
  stop: StoppingDecision;
  /** Blocks of a two-stage stopping rule's first stage (blocks.ts: Stein's bound), if it had one. */
  firstStageBlocks?: number;
}

export interface Summary {
  throughput: ThroughputEstimate;
  power: PowerSummary | null;
  energy: EnergySummary | null;
  efficiency: EfficiencySummary | null;
  uncertainty: Budgets;
  unavailable: Record<string, string>;
}

function estimate(value: number, unit: string, budget: UncertaintyBudget): Estimate {
  return { value, unit, ci95: intervalOf(value, budget) };
}

/** Fewest windows for a drift test: a line through three points leaves one degree of freedom, too few to trust. */
const MIN_WINDOWS_FOR_DRIFT = 4;
/** Significance level of the drift test. */
const DRIFT_ALPHA = 0.05;

/** The trend of throughput over the windows' midpoints. */
export function throughputDrift(windows: readonly WindowRecord[]): Drift | null {
  if (windows.length < MIN_WINDOWS_FOR_DRIFT) return null;
  const minutes = windows.map((w) => ((w.startNs + w.endNs) / 2 - windows[0]!.startNs) / 60e9);
  const trend = linearTrend(minutes, windows.map((w) => w.throughput));
  if (!trend) return null;
  const m = mean(windows.map((w) => w.throughput));
  return { relPerMinute: trend.slope / m, p: trend.p, significant: trend.p < DRIFT_ALPHA };
}

/** The idle baseline as the dynamic figures need it: its length and spread where the baseline record has them. */
function idleReading(watts: number, baseline: IdleBaseline | undefined): IdleReading {
  const measured = baseline && baseline.watts !== null ? baseline : null;
  return { watts, seconds: measured?.seconds ?? null, ...(measured?.spread ? { spread: measured.spread } : {}) };
}

/** The above-idle budgets, where there are dynamic figures. */
function dynamicBudgets(d: DynamicFigures | null): Partial<Budgets> {
  return d ? { dynamicPower: d.budgets.power, dynamicEnergyPerUnit: d.budgets.energyPerUnit, dynamicEfficiency: d.budgets.efficiency } : {};
}

/** Per-window values grouped by the windows' blocks (windows of older reports have none: one block). */
export function byBlock(windows: readonly WindowRecord[], values: readonly number[]): Blocks {
  const out: number[][] = [];
  windows.forEach((w, i) => (out[w.block ?? 0] ??= []).push(values[i]!));
  return out.filter((b) => b !== undefined);
}

/** Type A lines for a per-window quantity: from the spread of its block means (blocks.ts). */
function typeAOf(windows: readonly WindowRecord[], values: readonly number[], what: string, firstStage?: number): UncertaintyComponent[] {
  return blockEstimate(byBlock(windows, values), what, firstStage).components.map((c) => ({ ...c, kind: c.kind ?? 'statistical' }));
}

export function summarize(input: SummaryInput): Summary {
  const { windows, workPerIteration, unit } = input;
  const work = windows.map((w) => w.iterations * workPerIteration);
  const tput = windows.map((w) => w.throughput);
  const meanSeconds = mean(windows.map((w) => w.seconds));

  const first = input.firstStageBlocks;
  const tputEstimate = blockEstimate(byBlock(windows, tput), 'throughput', first);
  const tputBudget = combine([
    ...tputEstimate.components,
    // A timer's resolution does not cancel between two results on one device: kept by compare.
    { ...typeBRectangular(`iteration timer resolution ${input.timerResolutionSeconds.toExponential(2)} s`, input.timerResolutionSeconds / meanSeconds), kind: 'timer' },
  ]);
  // All the work over all the windows' time, like work per joule (all the work over all the energy), so that
  // efficiency = throughput / power holds between the stated values; the block means give its uncertainty.
  const throughputValue = work.reduce((a, b) => a + b, 0) / windows.reduce((a, w) => a + w.seconds, 0);
  const throughput: ThroughputEstimate = {
    ...estimate(throughputValue, `${unit}/s`, tputBudget),
    relStdDev: windows.length > 1 ? relStdDev(tput) : 0,
    drift: throughputDrift(windows),
    converged: input.stop.converged,
    stopReason: input.stop.reason ?? '',
  };

  const energies = windows.map((w) => w.energyJoules);
  const hasEnergy = 'sensor' in input.energy && energies.every((e): e is number => e !== null && e > 0);
  if (!hasEnergy) {
    const reason = 'missing' in input.energy ? input.energy.missing : 'the energy sensor did not cover every window';
    return {
      throughput,
      power: null,
      energy: null,
      efficiency: null,
      uncertainty: { throughput: tputBudget, power: null, energyPerUnit: null, efficiency: null },
      unavailable: { power: reason, energy: reason, efficiency: reason },
    };
  }
  const { sensor, method } = input.energy as { sensor: SensorInfo; method: 'counter' | 'integrated' };
  const joules = energies as number[];
  const wall = windows.map((w) => (w.endNs - w.startNs) / 1e9);
  const watts = joules.map((e, i) => e / wall[i]!);
  const perUnit = joules.map((e, i) => e / work[i]!);
  const perJoule = joules.map((e, i) => work[i]! / e);
  // Values are ratios of totals (all the work over all the energy), so that energy per unit and
  // work per joule are exact reciprocals; the windows' spread of each ratio gives its type A term.
  const totalWork = work.reduce((a, b) => a + b, 0);
  const totalJoules = joules.reduce((a, b) => a + b, 0);
  const load = { watts: mean(watts), seconds: mean(wall), rangeWatts: input.readingRangeWatts ?? null };
  const B = sensorComponents(sensor, load);

  const powerBudget = combine([...typeAOf(windows, watts, 'power', first), ...B]);
  const perUnitBudget = combine([...typeAOf(windows, perUnit, 'energy per unit', first), ...B]);
  const effBudget = combine([...typeAOf(windows, perJoule, 'work per joule', first), ...B]);

  const idle = input.idleWatts;
  const spread = (what: string, values: readonly number[]): UncertaintyComponent[] => typeAOf(windows, values, what, first);
  const dyn = idle === null ? null : dynamicFigures({ watts, wall, work, unit, sensor, load, idle: idleReading(idle, input.idleBaseline), spread });
  const dynamic = dyn !== null && 'power' in dyn ? dyn : null;

  const counterTotal = windows.every((w) => w.counterJoules !== null) ? windows.reduce((s, w) => s + w.counterJoules!, 0) : null;
  const integratedTotal = windows.every((w) => w.integratedJoules !== null) ? windows.reduce((s, w) => s + w.integratedJoules!, 0) : null;
  const meanWatts = totalJoules / wall.reduce((a, b) => a + b, 0);
  return {
    throughput,
    power: {
      ...estimate(meanWatts, 'W', powerBudget),
      method,
      idleWatts: idle,
      dynamicWatts: idle === null ? null : meanWatts - idle,
      dynamic: dynamic?.power ?? null,
      sensor: `${sensor.sampler}: ${sensor.description}`,
    },
    energy: {
      joules: totalJoules,
      perUnit: estimate(totalJoules / totalWork, `J/${unit}`, perUnitBudget),
      dynamicPerUnit: dynamic?.energyPerUnit ?? null,
      counterJoules: counterTotal,
      integratedJoules: integratedTotal,
      disagreement: counterTotal !== null && integratedTotal !== null && counterTotal > 0 ? Math.abs(counterTotal - integratedTotal) / counterTotal : null,
    },
    efficiency: { ...estimate(totalWork / totalJoules, `${unit}/J`, effBudget), dynamic: dynamic?.efficiency ?? null },
    uncertainty: { throughput: tputBudget, power: powerBudget, energyPerUnit: perUnitBudget, efficiency: effBudget, ...dynamicBudgets(dynamic) },
    unavailable: dyn === null ? { dynamic: 'no idle baseline was measured' } : 'unavailable' in dyn ? { dynamic: dyn.unavailable } : {},
  };
}
