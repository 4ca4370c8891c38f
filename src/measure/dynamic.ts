/**
 * Figures above idle ("dynamic"): power, energy per unit of work and work per
 * joule less the idle baseline, with the baseline's own uncertainty and the
 * sensor's terms propagated.
 *
 * A reading R of a true power P by one sensor is R = (1 + g)·P + o + e, with
 * g the sensor's relative gain error and o its offset (both the same in every
 * reading of that sensor), and e what differs from reading to reading
 * (resolution, the part a part-time sensor did not see). Loaded (L) and idle
 * (0) readings of the same sensor give
 *
 *   P_dyn = R_L − R_0 = (1 + g)(P_L − P_0) + (e_L − e_0)
 *
 * so the offset cancels, the gain scales P_dyn as it scales P_L, and the rest
 * adds in quadrature, now against the smaller P_dyn:
 *
 *   u²(P_dyn) / P_dyn² = u²(g) + [u²_A(P̄_L) + u²_A(P̄_0) + u²(e_L) + u²(e_0)] / P_dyn²
 *
 * where u_A(P̄_L) is the spread of the windows (here of the dynamic values
 * themselves, which keeps the correlation of work and energy per window) and
 * u_A(P̄_0) the standard error of the idle mean from its readings
 * (autocorrelation accounted for: src/measure/autocorrelation.ts). Energy per
 * unit above idle (P_dyn·T / W) and work per joule above idle (its reciprocal)
 * carry the same relative terms, since the window time T and work W are
 * exact to within the timer term of the throughput.
 */
import type { SensorInfo } from '../telemetry/types.js';
import type { IdleSpread } from './idle.js';
import type { Estimate } from './result.js';
import { relativeTo, sensorTerms, type ReadingContext } from './sensor-terms.js';
import { combine, intervalOf, type UncertaintyBudget, type UncertaintyComponent } from './uncertainty.js';

/** The idle baseline as the dynamic figures need it. */
export interface IdleReading {
  watts: number;
  /** Its length, s (null where unknown: then its resolution term is left out). */
  seconds: number | null;
  /** Its readings' spread (absent where fewer than two readings were taken). */
  spread?: IdleSpread;
}

export interface DynamicInput {
  /** Per window: mean power (W), wall time (s) and work (in `unit`). */
  watts: readonly number[];
  wall: readonly number[];
  work: readonly number[];
  unit: string;
  sensor: SensorInfo;
  /** The loaded reading: mean power, mean window length and the readings' range within a window. */
  load: ReadingContext;
  idle: IdleReading;
  /** Type A line(s) of a quantity (named by `what`) from its per-window values: the same rule as the totals' budgets. */
  spread: (what: string, values: readonly number[]) => UncertaintyComponent[];
}

export interface DynamicFigures {
  power: Estimate;
  energyPerUnit: Estimate;
  efficiency: Estimate;
  budgets: { power: UncertaintyBudget; energyPerUnit: UncertaintyBudget; efficiency: UncertaintyBudget };
}

/** The idle baseline's statistical line: the standard error of its mean against P_dyn. */
function idleStatistical(idle: IdleReading, dynWatts: number): UncertaintyComponent[] {
  if (!idle.spread) return [];
  const s = idle.spread;
  const source = `idle baseline: standard error of its mean, ${s.uWatts.toPrecision(3)} W (${s.readings} readings, ${s.effectiveReadings.toFixed(1)} effective)`;
  return [{ source, type: 'A', relative: s.uWatts / dynWatts, dof: Math.max(1, s.effectiveReadings - 1), distribution: 't', kind: 'statistical' }];
}

/** The sensor's lines against P_dyn: one gain, the offset cancelled, the loaded and idle readings' own terms. */
function sensorLines(input: DynamicInput, dynWatts: number): UncertaintyComponent[] {
  const { sensor, load, idle } = input;
  const loaded = sensorTerms(sensor, load);
  const idleTerms = idle.seconds === null ? [] : sensorTerms(sensor, { watts: idle.watts, seconds: idle.seconds, rangeWatts: idle.spread?.rangeWatts ?? null });
  const out: UncertaintyComponent[] = [];
  for (const t of loaded) {
    if (t.kind === 'gain') out.push(relativeTo(t, dynWatts, `${t.source}: scales load and idle alike`));
    else if (t.kind === 'offset') out.push({ ...relativeTo(t, dynWatts, `${t.source}: cancels in load − idle (one sensor)`), relative: 0 });
    else out.push(relativeTo(t, dynWatts, `under load: ${t.source}`));
  }
  for (const t of idleTerms) if (t.kind !== 'gain' && t.kind !== 'offset') out.push(relativeTo(t, dynWatts, `idle: ${t.source}`));
  return out.filter((c) => Number.isFinite(c.relative));
}

/** Dynamic figures, or why there are none (power not above idle in some window). */
export function dynamicFigures(input: DynamicInput): DynamicFigures | { unavailable: string } {
  const { watts, wall, work, unit, idle } = input;
  const dynW = watts.map((p) => p - idle.watts);
  if (!dynW.every((p) => p > 0)) return { unavailable: 'power during a window was not above the idle baseline' };
  const dynPerUnit = dynW.map((p, i) => (p * wall[i]!) / work[i]!);
  const dynJoules = dynW.reduce((a, p, i) => a + p * wall[i]!, 0);
  const totalWork = work.reduce((a, b) => a + b, 0);
  // As the total power is: all the energy above idle over all the windows' time (= mean power − idle).
  const meanDyn = dynJoules / wall.reduce((a, b) => a + b, 0);
  // The terms that do not depend on which dynamic figure is asked for, against the mean power above idle.
  const common = [...idleStatistical(idle, meanDyn), ...sensorLines(input, meanDyn)];
  const budget = (what: string, values: readonly number[]): UncertaintyBudget => combine([...input.spread(what, values), ...common]);
  const budgets = {
    power: budget('power above idle', dynW),
    energyPerUnit: budget('energy per unit above idle', dynPerUnit),
    efficiency: budget('work per joule above idle', dynPerUnit.map((x) => 1 / x)),
  };
  const est = (value: number, u: string, b: UncertaintyBudget): Estimate => ({ value, unit: u, ci95: intervalOf(value, b) });
  return {
    power: est(meanDyn, 'W', budgets.power),
    energyPerUnit: est(dynJoules / totalWork, `J/${unit}`, budgets.energyPerUnit),
    efficiency: est(totalWork / dynJoules, `${unit}/J`, budgets.efficiency),
    budgets,
  };
}
