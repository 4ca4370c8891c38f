/**
 * Verification of a kernel's output against the probe's float64 reference.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AbortedError } from '../core/errors.js';
import type { Reference } from '../core/probe.js';
import type { Check } from './result.js';

/**
 * Elements compared between yields to the event loop: a few milliseconds of
 * work, so that a 2^28-element check never holds scrapes or timers for long.
 */
const SLICE = 1 << 20;

/**
 * The comparison, one slice per step: error_i = |out_i − ref_i| / scale_i,
 * scale_i from the reference or max|ref| (normwise). NaN or infinity in the
 * output fails.
 */
function* steps(output: ArrayLike<number>, reference: Reference, tolerance: number): Generator<void, Check> {
  const { values, indices, scale } = reference;
  const compared = values.length;
  if (!indices && output.length !== compared) return { passed: false, maxRelError: null, tolerance, compared: 0 };
  let norm = 0;
  if (!scale) {
    for (let i = 0; i < compared; i++) {
      norm = Math.max(norm, Math.abs(values[i]!));
      if ((i + 1) % SLICE === 0) yield;
    }
  }
  let worst = 0;
  for (let i = 0; i < compared; i++) {
    const at = indices ? indices[i]! : i;
    if (at >= output.length) return { passed: false, maxRelError: null, tolerance, compared: i };
    const out = output[at]!;
    if (!Number.isFinite(out)) return { passed: false, maxRelError: null, tolerance, compared: i + 1 };
    const s = scale ? scale[i]! : norm;
    const err = Math.abs(out - values[i]!);
    const rel = s > 0 ? err / s : err === 0 ? 0 : Infinity;
    if (rel > worst) worst = rel;
    if ((i + 1) % SLICE === 0) yield;
  }
  if (!Number.isFinite(worst)) return { passed: false, maxRelError: null, tolerance, compared };
  return { passed: worst <= tolerance, maxRelError: worst, tolerance, compared };
}

/** Compares output values (at the reference's indices, or all of them) with the reference. */
export function verify(output: ArrayLike<number>, reference: Reference, tolerance: number): Check {
  const it = steps(output, reference, tolerance);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}

/** verify(), yielding to the event loop between slices; throws AbortedError as soon as `signal` aborts. */
export async function verifyYielding(output: ArrayLike<number>, reference: Reference, tolerance: number, signal: AbortSignal): Promise<Check> {
  const it = steps(output, reference, tolerance);
  for (;;) {
    if (signal.aborted) throw new AbortedError('interrupted');
    const step = it.next();
    if (step.done) return step.value;
    await yieldToLoop();
  }
}
