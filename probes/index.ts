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

export const PROBES: readonly AnyProbe[] = [stream, fmaPeak, gemm, reduce, launchLatency, transfer];

/** A probe by id, or undefined. */
export function findProbe(id: string): AnyProbe | undefined {
  return PROBES.find((p) => p.id === id);
}
