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
    /** Fewest windows: the first stage's blocks × windows per block. */
    minWindows: number;
    /** Most windows: the most blocks × windows per block. */
    maxWindows: number;
    /** Windows are separated by a random pause in [0, gapMaxSeconds). */
    gapMaxSeconds: number;
  };
  /** Independent blocks of windows, each after a fresh setup (src/measure/blocks.ts). */
  blocks: {
    /** Windows in one block. */
    windows: number;
    /** Blocks of the first stage, from which the number of blocks is planned (stopping.ts). */
    min: number;
    max: number;
    /** Warm-up after each block's fresh setup, seconds (the first block has the full warm-up). */
    warmupSeconds: number;
    /** Pause before each block's setup, seconds. */
    pauseSeconds: number;
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
    window: { minSeconds: 0.2, minWindows: 6, maxWindows: 16, gapMaxSeconds: 0.05 },
    // 3 blocks of 2: the fewest that estimate between-setup variation at all (t with 2 dof is wide, and says so).
    blocks: { windows: 2, min: 3, max: 8, warmupSeconds: 0.05, pauseSeconds: 0.05 },
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
    window: { minSeconds: 1, minWindows: 16, maxWindows: 40, gapMaxSeconds: 0.2 },
    // 12 blocks of 2 first: t with 11 dof (2.20), and enough blocks for blocks.ts to estimate their serial correlation
    // (it needs SERIAL_MIN_BLOCKS = 8); with 5, runs on a wandering host whose first blocks looked steady stopped
    // there and covered 53 %, with 8 such runs still covered 63 % (tests/measure/coverage.test.ts).
    blocks: { windows: 2, min: 12, max: 20, warmupSeconds: 0.3, pauseSeconds: 0.2 },
    targetRel: 0.01,
    capSeconds: 60,
    honourSensorWindow: true,
  },
  // Reference-grade: 5 s windows everywhere (ML.ENERGY's practice), 0.5 % target, at least 10 windows.
  full: {
    id: 'full',
    idleSeconds: 5,
    warmup: { minSeconds: 2, maxSeconds: 20, stableRel: 0.01, sliceSeconds: 0.5 },
    window: { minSeconds: 5, minWindows: 16, maxWindows: 60, gapMaxSeconds: 1 },
    // 8 blocks of 2 first: t with 7 dof (2.36).
    blocks: { windows: 2, min: 8, max: 30, warmupSeconds: 1, pauseSeconds: 1 },
    targetRel: 0.005,
    capSeconds: 300,
    honourSensorWindow: true,
  },
};
