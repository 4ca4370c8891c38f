/**
 * The type B terms of a power or energy sensor, each with its kind, as
 * standard uncertainties of a mean power. A term's size is fixed in its own
 * unit — a gain error in per cent of the reading, an offset, a resolution
 * step or a coverage bound in watts — and becomes relative only against the
 * power it affects: the total (src/measure/summarize.ts) or the power above
 * idle (src/measure/dynamic.ts), where some of them cancel.
 */
import type { SensorInfo } from '../telemetry/types.js';
import type { ComponentKind, UncertaintyComponent } from './uncertainty.js';

/** One bound of a sensor, taken as rectangular (GUM 4.3.7: u = a / √3). */
export interface SensorTerm {
  source: string;
  kind: Extract<ComponentKind, 'gain' | 'offset' | 'resolution' | 'coverage'>;
  /** Half-width a of the bound: a fraction of the reading for 'gain', watts for the others. */
  halfWidth: number;
}

/** What a reading was: its mean power and length, and the range of the sensor's readings within it. */
export interface ReadingContext {
  /** Mean power over the reading, W. */
  watts: number;
  /** Length of one reading (a window, or the idle baseline), s: a counter's step is spread over it. */
  seconds: number;
  /** Highest − lowest reading of the sensor within a reading, W; null where there were too few. */
  rangeWatts: number | null;
}

/**
 * Where a part-time sensor's readings give no range: the residual error the
 * SC'24 study ("Part-time power measurements", Yang, Adamek, Armour) measured
 * on A100/H100 after its good practice (long windows, repeated trials), ~5 %.
 */
const PART_TIME_FALLBACK_REL = 0.05;

/**
 * The bound for what a part-time sensor did not see. It observes a fraction
 * f of each update period (NVML on Ampere and later: ~25 ms of every 100 ms)
 * and its estimate is the mean of what it saw, so its error is
 * (1 − f)(P_unseen − P_seen). Where the unseen part varies at random from
 * period to period, that error is random and already in the window-to-window
 * spread (type A): counting a sampling error s·√((1 − f)/m) here too would
 * count it twice. What the spread cannot show is a workload whose rhythm locks
 * to the sensor's, so that every window sees the same phase (SC'24's ~39 %
 * errors). That systematic part is bounded by taking the unseen power to lie
 * within the range of the readings seen: |error| ≤ (1 − f)(P_max − P_min)/2,
 * a bound with no preferred value inside it, hence rectangular. A steady power
 * gets a small term; a bursty one, where part-time sampling does mislead, a
 * large one.
 */
export function coverageTerm(sensor: SensorInfo, reading: ReadingContext): SensorTerm | null {
  const f = sensor.observedFraction;
  if (f === undefined || !(f < 1)) return null;
  const pct = `${Math.round(f * 100)} %`;
  if (reading.rangeWatts === null) {
    return { source: `partial coverage: the sensor observes ${pct} of the time (no readings for a range: SC'24's residual ±${PART_TIME_FALLBACK_REL * 100} %)`, kind: 'coverage', halfWidth: PART_TIME_FALLBACK_REL * reading.watts };
  }
  return {
    source: `partial coverage: the sensor observes ${pct} of the time; the rest bounded by the readings' range ${reading.rangeWatts.toPrecision(3)} W × ${(1 - f).toFixed(2)} / 2`,
    kind: 'coverage',
    halfWidth: ((1 - f) * reading.rangeWatts) / 2,
  };
}

/**
 * The sensor's bounds on a mean power: stated accuracy as a gain (relative)
 * and an offset (absolute; for an energy counter an absolute accuracy is a
 * power offset in watts, since a counter's error in joules grows with time),
 * the resolution step (a counter's step in joules spread over the reading),
 * and the partial-coverage bound.
 */
export function sensorTerms(sensor: SensorInfo, reading: ReadingContext): SensorTerm[] {
  const out: SensorTerm[] = [];
  const acc = sensor.accuracy;
  if (acc?.relative) out.push({ source: `sensor gain ±${(acc.relative * 100).toFixed(1)} % (${acc.source})`, kind: 'gain', halfWidth: acc.relative });
  if (acc?.absolute) out.push({ source: `sensor offset ±${acc.absolute} W (${acc.source})`, kind: 'offset', halfWidth: acc.absolute });
  if (sensor.resolution) {
    const watts = sensor.unit === 'J' ? sensor.resolution / reading.seconds : sensor.resolution;
    if (Number.isFinite(watts)) out.push({ source: `sensor resolution ${sensor.resolution} ${sensor.unit}`, kind: 'resolution', halfWidth: watts });
  }
  const coverage = coverageTerm(sensor, reading);
  if (coverage) out.push(coverage);
  return out;
}

/** A term as a budget line relative to `watts` (a gain is relative already). */
export function relativeTo(term: SensorTerm, watts: number, source = term.source): UncertaintyComponent {
  const a = term.kind === 'gain' ? term.halfWidth : term.halfWidth / watts;
  return { source, type: 'B', relative: a / Math.sqrt(3), dof: null, distribution: 'rectangular', kind: term.kind };
}

/** Type B lines of a total power (and of the energy and efficiency read with it), relative to the mean power. */
export function sensorComponents(sensor: SensorInfo, reading: ReadingContext): UncertaintyComponent[] {
  return sensorTerms(sensor, reading)
    .map((t) => relativeTo(t, reading.watts))
    .filter((c) => Number.isFinite(c.relative));
}
