/**
 * Verification of a kernel's output against the probe's float64 reference.
 */
import type { Reference } from '../core/probe.js';
import type { Check } from './result.js';

/**
 * Compares output values (at the reference's indices, or all of them) with
 * the reference: error_i = |out_i − ref_i| / scale_i, scale_i from the
 * reference or max|ref| (normwise). NaN or infinity in the output fails.
 */
export function verify(output: ArrayLike<number>, reference: Reference, tolerance: number): Check {
  const { values, indices, scale } = reference;
  const compared = values.length;
  if (!indices && output.length !== compared) {
    return { passed: false, maxRelError: null, tolerance, compared: 0 };
  }
  let norm = 0;
  if (!scale) for (const v of values) norm = Math.max(norm, Math.abs(v));
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
  }
  if (!Number.isFinite(worst)) return { passed: false, maxRelError: null, tolerance, compared };
  return { passed: worst <= tolerance, maxRelError: worst, tolerance, compared };
}
