/**
 * Moving data between the host and GPU buffers: element types converted on
 * the way (float16 through @petamoriken/float16, since Node.js 20 has no
 * Float16Array), and NaN-filling of buffers that start without an input.
 */
import { Float16Array } from '@petamoriken/float16';
import { GPU_DTYPE_BYTES, type GpuBufferSpec, type GpuDType } from '../../core/kernel.js';

/** Byte size of a buffer, rounded up to 16 so that vec4 access never runs off its end. */
export function bufferBytes(spec: GpuBufferSpec): number {
  return Math.ceil((spec.length * GPU_DTYPE_BYTES[spec.dtype]) / 16) * 16;
}

/** The bytes of a host array as the GPU buffer holds them. */
export function toGpuBytes(values: ArrayLike<number>, dtype: GpuDType): Uint8Array {
  const typed = dtype === 'f32' ? Float32Array.from(values) : dtype === 'u32' ? Uint32Array.from(values) : Float16Array.from(values);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Values of a GPU buffer's bytes, as float32. */
export function fromGpuBytes(bytes: ArrayBuffer, dtype: GpuDType, length: number): Float32Array {
  if (dtype === 'f32') return new Float32Array(bytes, 0, length).slice();
  if (dtype === 'u32') return Float32Array.from(new Uint32Array(bytes, 0, length));
  return Float32Array.from(new Float16Array(bytes, 0, length));
}

/** The NaN bit pattern of an element type (all ones for u32). */
const NAN_WORDS: Record<GpuDType, () => Uint8Array> = {
  f32: () => new Uint8Array(new Uint32Array([0x7fc00000]).buffer),
  f16: () => new Uint8Array(new Uint16Array([0x7e00, 0x7e00]).buffer),
  u32: () => new Uint8Array(new Uint32Array([0xffffffff]).buffer),
};

/** Writes at most this many bytes per writeBuffer call when filling: bounded host memory for any buffer size. */
const FILL_CHUNK_BYTES = 16 * 2 ** 20;

/** Fills a buffer with NaN (so that an output the kernel does not write fails verification). */
export function fillNaN(queue: GPUQueue, buffer: GPUBuffer, spec: GpuBufferSpec): void {
  const total = bufferBytes(spec);
  const word = NAN_WORDS[spec.dtype]();
  const chunk = new Uint8Array(Math.min(total, FILL_CHUNK_BYTES));
  for (let i = 0; i < chunk.length; i += 4) chunk.set(word, i);
  for (let at = 0; at < total; at += chunk.length) queue.writeBuffer(buffer, at, chunk, 0, Math.min(chunk.length, total - at));
}
