/**
 * Reduced-precision formats probes hand to devices: float16 through
 * @petamoriken/float16, bfloat16 here (it is the top half of a float32, so
 * rounding is a few bit operations).
 */
import { Float16Array, hfround } from '@petamoriken/float16';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The nearest bfloat16 (round to nearest, ties to even), as a number. */
export function bfround(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000) return x; // Inf and NaN pass through
  u32[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000) >>> 0;
  return f32[0];
}

/** Rounds every element in place to float16 or bfloat16. */
export function roundTo(values: Float32Array, format: 'f16' | 'bf16'): Float32Array {
  const round = format === 'f16' ? hfround : bfround;
  for (let i = 0; i < values.length; i++) values[i] = round(values[i]!);
  return values;
}

/** bfloat16 bits of float32 values that are already bfloat16-exact (else they are rounded). */
export function toBf16Bits(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = bfround(values[i]!);
    out[i] = u32[0]! >>> 16;
  }
  return out;
}

export function fromBf16Bits(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const view = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) view[i] = bits[i]! << 16;
  return out;
}

export function toF16Bits(values: ArrayLike<number>): Uint16Array {
  const h = Float16Array.from(values);
  return new Uint16Array(h.buffer, h.byteOffset, h.length);
}

export function fromF16Bits(bits: Uint16Array): Float32Array {
  return Float32Array.from(new Float16Array(bits.buffer, bits.byteOffset, bits.length));
}
