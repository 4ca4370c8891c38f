/**
 * The host-memory check every backend makes before allocating: a probe's
 * inputs, outputs and reference (its memoryBytes) against what is available.
 */
import { CapacityError } from '../core/errors.js';
import type { AnyProbe, Params } from '../core/probe.js';
import { formatBytes } from '../core/units.js';

/** Throws a CapacityError when the probe's host memory is over `availableBytes`; `purpose` says what it holds. */
export function checkHostMemory(probe: AnyProbe, params: Params, availableBytes: number, purpose = ''): void {
  const need = probe.memoryBytes(params);
  if (need > availableBytes) {
    throw new CapacityError(`needs ${formatBytes(need)} of host memory${purpose}, but only ${formatBytes(availableBytes)} is available`, need, availableBytes, 'host available memory');
  }
}
