/**
 * One result = one probe × one parameter set × one device through one
 * engine (DESIGN.md §1). This is the shape the JSON report stores
 * (schemas/report-1.schema.json); every figure carries its unit.
 */
import type { Params } from '../core/probe.js';
import type { Work } from '../core/units.js';
import type { TimerInfo } from '../backends/backend.js';
import type { MissingSensor, SensorInfo } from '../telemetry/types.js';
import type { UncertaintyBudget } from './uncertainty.js';
import type { ExternalInfo } from './external/types.js';

export type ResultStatus = 'completed' | 'invalid' | 'errored' | 'skipped' | 'aborted';

/** Outcome of checking the output against the float64 reference. */
export interface Check {
  passed: boolean;
  /** max_i |out_i − ref_i| / scale_i; null when the output held NaN or infinities. */
  maxRelError: number | null;
  tolerance: number;
  /** How many output values were compared. */
  compared: number;
}

/** A value with its 95 % interval. */
export interface Estimate {
  value: number;
  unit: string;
  ci95: [number, number];
}

/** An estimate's 95 % half-width relative to its value (Infinity for an unbounded interval). */
export function relHalfWidth(e: { value: number; ci95: readonly [number, number] }): number {
  return (e.ci95[1] - e.ci95[0]) / 2 / Math.abs(e.value);
}

/** A trend of the window values over time: the machine was not in a steady state when significant. */
export interface Drift {
  /** Change per minute relative to the mean, from a least-squares line through the windows. */
  relPerMinute: number;
  /** Two-sided p-value of the slope against zero. */
  p: number;
  /** p < 0.05. */
  significant: boolean;
}

export interface ThroughputEstimate extends Estimate {
  /** Window-to-window relative standard deviation. */
  relStdDev: number;
  /** Trend across the windows (null with fewer than four). */
  drift: Drift | null;
  /** Whether the stopping target was met. */
  converged: boolean;
  stopReason: string;
}

export interface LatencySummary {
  unit: 's';
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  min: number;
  max: number;
  mean: number;
  count: number;
  /** The headline percentile for this workload. */
  headline: 'p50' | 'p90' | 'p99';
  timer: TimerInfo;
  /** Every iteration's time, HdrHistogram V2 compressed base64 (values in ns). */
  histogram: string;
}

export interface PowerSummary extends Estimate {
  /** How window energy was obtained: counter difference, or integrated power samples. */
  method: 'counter' | 'integrated';
  /** Mean power with no work running (the idle baseline), W; null without one. */
  idleWatts: number | null;
  /** Power above idle, W. */
  dynamicWatts: number | null;
  /** Power above idle with its 95 % interval (the idle baseline's uncertainty included); absent in older reports. */
  dynamic?: Estimate | null;
  sensor: string;
}

export interface EnergySummary {
  /** Energy over all measurement windows, J. */
  joules: number;
  /** Energy per unit of work, e.g. J/FLOP. */
  perUnit: Estimate;
  /** Energy above idle per unit of work. */
  dynamicPerUnit: Estimate | null;
  /** Both methods' totals where both exist, and their relative disagreement |c − i| / c. */
  counterJoules: number | null;
  integratedJoules: number | null;
  disagreement: number | null;
}

export interface EfficiencySummary extends Estimate {
  /** Work per joule above idle. */
  dynamic: Estimate | null;
}

export interface WindowRecord {
  startNs: number;
  endNs: number;
  seconds: number;
  iterations: number;
  /** Work per second in this window, in the throughput unit. */
  throughput: number;
  energyJoules: number | null;
  counterJoules: number | null;
  integratedJoules: number | null;
  powerWatts: number | null;
  /** Throttle reasons seen during the window. */
  throttleReasons: string[];
  /** Index of the block (fresh setup) the window belongs to; absent in older reports (one block). */
  block?: number;
}

export interface QuantitySummary {
  quantity: string;
  component?: string;
  unit: string;
  min: number;
  mean: number;
  max: number;
  samples: number;
}

export interface TimelineSeries {
  quantity: string;
  component?: string;
  unit: string;
  /** Seconds since the first window started. */
  t: number[];
  v: number[];
}

export interface TelemetrySummary {
  sensors: SensorInfo[];
  missing: MissingSensor[];
  /** Min/mean/max of each series over the windows. */
  quantities: QuantitySummary[];
  throttleReasons: string[];
  /** Every throttle-reason bit seen over the windows, as 16 hex digits ("0x…"): exact for all 64 bits. Absent in older reports. */
  throttleMask?: string;
  /** Samples per second achieved, per sampler. */
  sampleRateHz: Record<string, number>;
  /** Fraction of the measured time the energy sensor observed (1 for an accumulating counter). */
  observedFraction: number | null;
  /** Decimated series over the windows, for charts. */
  timeline: TimelineSeries[];
}

export interface Budgets {
  throughput: UncertaintyBudget;
  power: UncertaintyBudget | null;
  energyPerUnit: UncertaintyBudget | null;
  efficiency: UncertaintyBudget | null;
  /** Above idle (src/measure/dynamic.ts), where there are dynamic figures; absent in older reports. */
  dynamicPower?: UncertaintyBudget;
  dynamicEnergyPerUnit?: UncertaintyBudget;
  dynamicEfficiency?: UncertaintyBudget;
}

export interface Result {
  /** "<device>/<probe>/<params>", unique within a report. */
  id: string;
  probe: string;
  params: Params;
  backend: string;
  device: string;
  engine: string | null;
  /** sha256 over the probe's declared definition, parameters, counted work, tolerance and kernel source (measure/definition.ts); equal hashes = comparable. */
  definitionHash: string | null;
  /** The scheme definitionHash was computed by (DEFINITION_SCHEME); absent in reports of scheme 1, whose hashes depended on the build. */
  definitionScheme?: number;
  status: ResultStatus;
  /** Why the status is not "completed". */
  reason: string | null;
  notes: string[];
  check: Check | null;
  work: {
    /** The headline unit, e.g. "FLOP". */
    unit: string;
    perIteration: Work;
    iterations: number;
    total: number;
  };
  timing: {
    warmupSeconds: number;
    warmupIterations: number;
    warmupStable: boolean;
    measuredSeconds: number;
    windowSeconds: number;
  } | null;
  throughput: ThroughputEstimate | null;
  latency: LatencySummary | null;
  power: PowerSummary | null;
  energy: EnergySummary | null;
  efficiency: EfficiencySummary | null;
  /** For each of power, energy and efficiency that is null: why. */
  unavailable: Record<string, string>;
  telemetry: TelemetrySummary | null;
  uncertainty: Budgets | null;
  windows: WindowRecord[];
  /** An external command's description (`flopmeter measure`); absent for a probe's result. */
  external?: ExternalInfo;
}
