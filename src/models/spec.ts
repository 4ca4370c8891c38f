/**
 * What a model probe hands to a backend: which engine runs which network in
 * which scenario, and at what batch. The same description serves every
 * backend; the backend supplies the device (see tfjs/session.ts).
 */
import type { Network } from './network.js';

/** MLPerf's scenario names, plus a training step. */
export type Scenario = 'single-stream' | 'offline' | 'train-step';

export const SCENARIOS: readonly Scenario[] = ['single-stream', 'offline', 'train-step'];

export interface TfjsModelSpec {
  kind: 'tfjs';
  /** Engine id (see tfjs/engines.ts). */
  engine: string;
  network: Network;
  scenario: Scenario;
  /** Samples per iteration. */
  batch: number;
  /** Samples in the fixed verification batch (the first ones of the input). */
  verifyBatch: number;
}

/**
 * Samples in the fixed batch every engine's output is checked on: one, so the
 * reference engine (plain JavaScript) computes it quickly at full size; the
 * same sample is also checked inside the measured batch.
 */
export const VERIFY_BATCH = 1;

/** Gradient entries sampled per trainable weight for verification (evenly spaced). */
export const GRADIENT_SAMPLES = 64;
