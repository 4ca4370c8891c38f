/**
 * Device buffers: allocation, upload with element-type conversion, NaN fill,
 * and readback as float32/float64.
 */
import { CUDA_DTYPE_BYTES, type CudaBufferSpec, type CudaDType } from '../../core/kernel.js';
import { fromBf16Bits, fromF16Bits, toBf16Bits, toF16Bits } from '../../core/precision.js';
import type { CudaDriver } from './driver.js';

/** Byte size, rounded up to 16 so that vector accesses never run off the end. */
export function deviceBytes(spec: CudaBufferSpec): number {
  return Math.ceil((spec.length * CUDA_DTYPE_BYTES[spec.dtype]) / 16) * 16;
}

/** Host bytes of values in a device element type. */
export function toDeviceBytes(values: ArrayLike<number>, dtype: CudaDType): ArrayBufferView {
  switch (dtype) {
    case 'f64':
      return values instanceof Float64Array ? values : Float64Array.from(values);
    case 'f32':
      return values instanceof Float32Array ? values : Float32Array.from(values);
    case 'u32':
      return Uint32Array.from(values);
    case 'f16':
      return toF16Bits(values);
    case 'bf16':
      return toBf16Bits(values);
  }
}

/** Values of a device buffer's bytes (f64 stays float64, the rest become float32). */
export function fromDeviceBytes(bytes: Uint8Array, dtype: CudaDType, length: number): Float32Array | Float64Array {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case 'f64':
      return new Float64Array(buf, 0, length);
    case 'f32':
      return new Float32Array(buf, 0, length);
    case 'u32':
      return Float32Array.from(new Uint32Array(buf, 0, length));
    case 'f16':
      return fromF16Bits(new Uint16Array(buf, 0, length));
    case 'bf16':
      return fromBf16Bits(new Uint16Array(buf, 0, length));
  }
}

/** All-ones bytes are NaN in every floating-point format (and the maximum u32). */
const NAN_WORD = 0xffffffff;

export class DeviceBuffers {
  readonly pointers = new Map<string, number>();

  constructor(
    private readonly driver: CudaDriver,
    private readonly specs: readonly CudaBufferSpec[],
  ) {}

  /** Allocates every buffer; inputs of the same name are uploaded, the rest filled with NaN. */
  allocate(inputs: Record<string, ArrayLike<number>>): void {
    for (const b of this.specs) {
      const bytes = deviceBytes(b);
      const ptr = [0];
      this.driver.call('cuMemAlloc', ptr, bytes);
      this.pointers.set(b.name, Number(ptr[0]));
      const input = inputs[b.name];
      if (input) {
        if (input.length !== b.length) throw new Error(`input ${b.name} has ${input.length} elements, the kernel expects ${b.length}`);
        const data = toDeviceBytes(input, b.dtype);
        this.driver.call('cuMemcpyHtoD', Number(ptr[0]), data, data.byteLength);
      } else {
        this.driver.call('cuMemsetD32', Number(ptr[0]), NAN_WORD, bytes / 4);
      }
    }
  }

  pointer(name: string): number {
    const p = this.pointers.get(name);
    if (p === undefined) throw new Error(`no buffer named ${name}`);
    return p;
  }

  read(name: string): Float32Array | Float64Array {
    const spec = this.specs.find((b) => b.name === name);
    if (!spec) throw new Error(`no buffer named ${name}`);
    const bytes = new Uint8Array(spec.length * CUDA_DTYPE_BYTES[spec.dtype]);
    this.driver.call('cuMemcpyDtoH', bytes, this.pointer(name), bytes.byteLength);
    return fromDeviceBytes(bytes, spec.dtype, spec.length);
  }

  free(): void {
    for (const p of this.pointers.values()) this.driver.raw('cuMemFree', p);
    this.pointers.clear();
  }
}
