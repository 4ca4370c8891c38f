/**
 * The standard probes, in the order a run takes them. Listed explicitly:
 * adding a probe means adding its file and a line here.
 */
import type { AnyProbe } from '../src/core/probe.js';
import stream from './stream.js';
import fmaPeak from './fma-peak.js';
import gemm from './gemm.js';
import reduce from './reduce.js';
import launchLatency from './launch-latency.js';
import transfer from './transfer.js';
import mlp from './mlp.js';
import cnn from './cnn.js';
import transformer from './transformer.js';

/** Kernel probes: the hardware's ceilings. */
export const KERNEL_PROBES: readonly AnyProbe[] = [stream, fmaPeak, gemm, reduce, launchLatency, transfer];
/** Model probes: standard network layers through TensorFlow.js, on every engine. */
export const MODEL_PROBES: readonly AnyProbe[] = [mlp, cnn, transformer];

export const PROBES: readonly AnyProbe[] = [...KERNEL_PROBES, ...MODEL_PROBES];

/** A probe by id, or undefined. */
export function findProbe(id: string): AnyProbe | undefined {
  return PROBES.find((p) => p.id === id);
}
