/**
 * What a model probe hands to a backend: which engine runs which network in
 * which scenario, and at what batch. The same description serves every
 * backend, as a hosted workload (src/core/workload.ts): the backend's session
 * lends it the device and it prepares itself there (see tfjs/workload.ts).
 */
import type { HostedWorkload } from '../core/workload.js';
import type { Network } from './network.js';

/** MLPerf's scenario names, plus a training step. */
export type Scenario = 'single-stream' | 'offline' | 'train-step';

export const SCENARIOS: readonly Scenario[] = ['single-stream', 'offline', 'train-step'];

export interface TfjsModelSpec {
  /** Engine id (see tfjs/engines.ts). */
  engine: string;
  network: Network;
  scenario: Scenario;
  /** Samples per iteration. */
  batch: number;
  /** Samples in the fixed verification batch (the first ones of the input). */
  verifyBatch: number;
}

/** A model probe's implementation on every backend: its description, hosted by the backend's session. */
export type ModelWorkload = TfjsModelSpec & HostedWorkload;

/** SGD step size of the training scenario: small enough that weights stay finite over a long run of random-target steps. */
export const LEARNING_RATE = 1e-3;

/** The kernel a model workload is, as data (engine left out: results of different engines stay comparable). */
export function modelKernelIdentity(spec: TfjsModelSpec): string {
  return JSON.stringify({ network: spec.network, scenario: spec.scenario, batch: spec.batch, verifyBatch: spec.verifyBatch, learningRate: LEARNING_RATE });
}

/**
 * Samples in the fixed batch every engine's output is checked on: one, so the
 * reference engine (plain JavaScript) computes it quickly at full size; the
 * same sample is also checked inside the measured batch.
 */
export const VERIFY_BATCH = 1;

/** Gradient entries sampled per trainable weight for verification (evenly spaced). */
export const GRADIENT_SAMPLES = 64;
