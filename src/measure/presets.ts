/**
 * Measurement presets: how long each phase of the procedure (DESIGN.md §1)
 * lasts. Probe sizes per preset live in each probe's definition.
 */
import type { PresetId } from '../core/probe.js';

export interface MeasurePreset {
  id: PresetId;
  /** Idle telemetry before the first result on a device, in seconds (only where a power sensor exists). */
  idleSeconds: number;
  warmup: {
    /** Warm-up runs at least this long (JIT, caches, clocks), seconds. */
    minSeconds: number;
    /** ... and at most this long, stable or not. */
    maxSeconds: number;
    /** Stable when two consecutive slices' mean iteration times differ by less than this fraction. */
    stableRel: number;
    /** Length of one warm-up slice, seconds. */
    sliceSeconds: number;
  };
  window: {
    /** Minimum window length in seconds (raised to the power sensor's own minimum except in `quick`). */
    minSeconds: number;
    minWindows: number;
    maxWindows: number;
    /** Windows are separated by a random pause in [0, gapMaxSeconds). */
    gapMaxSeconds: number;
  };
  /** Target 95 % confidence half-width of the throughput, relative. */
  targetRel: number;
  /** Time cap on one result's measuring phase, seconds. */
  capSeconds: number;
  /** Whether window length follows the power sensor's recommended minimum (e.g. 5 s for a 1 s averaged reading). */
  honourSensorWindow: boolean;
}

export const PRESETS: Record<PresetId, MeasurePreset> = {
  // For CI and a first look: seconds per result, results flagged when they do not converge.
  quick: {
    id: 'quick',
    idleSeconds: 0.5,
    warmup: { minSeconds: 0.05, maxSeconds: 1, stableRel: 0.05, sliceSeconds: 0.05 },
    window: { minSeconds: 0.2, minWindows: 3, maxWindows: 10, gapMaxSeconds: 0.05 },
    targetRel: 0.02,
    capSeconds: 3,
    honourSensorWindow: false,
  },
  // The default: DESIGN.md §1's 1 % target with at least 5 windows; 1 s windows suit a CPU's
  // RAPL counter (updated every ~1 ms); sensors that average over ~1 s raise it to 5 s.
  standard: {
    id: 'standard',
    idleSeconds: 3,
    warmup: { minSeconds: 0.5, maxSeconds: 5, stableRel: 0.02, sliceSeconds: 0.2 },
    window: { minSeconds: 1, minWindows: 5, maxWindows: 30, gapMaxSeconds: 0.2 },
    targetRel: 0.01,
    capSeconds: 60,
    honourSensorWindow: true,
  },
  // Reference-grade: 5 s windows everywhere (ML.ENERGY's practice), 0.5 % target, at least 10 windows.
  full: {
    id: 'full',
    idleSeconds: 5,
    warmup: { minSeconds: 2, maxSeconds: 20, stableRel: 0.01, sliceSeconds: 0.5 },
    window: { minSeconds: 5, minWindows: 10, maxWindows: 60, gapMaxSeconds: 1 },
    targetRel: 0.005,
    capSeconds: 300,
    honourSensorWindow: true,
  },
};
