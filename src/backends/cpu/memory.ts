/**
 * Buffer layout in the shared WebAssembly memory of one prepared kernel.
 */
import { CapacityError } from '../../core/errors.js';
import { DTYPE_BYTES, type BufferSpec } from '../../core/kernel.js';
import type { Inputs } from '../../core/probe.js';
import { formatBytes } from '../../core/units.js';

/** wasm32 addresses 4 GiB at most. */
export const WASM_MAX_BYTES = 2 ** 32;
const PAGE_BYTES = 65536;
/** Buffers start on cache-line (64-byte) boundaries so that vector loads never straddle lines needlessly. */
const ALIGN = 64;

export interface Layout {
  offset: Record<string, number>;
  totalBytes: number;
}

/** Places buffers one after another, aligned; fails before allocating when they cannot fit. */
export function layoutBuffers(buffers: readonly BufferSpec[]): Layout {
  const offset: Record<string, number> = {};
  let at = ALIGN; // keep address 0 unused
  for (const b of buffers) {
    offset[b.name] = at;
    at += Math.ceil((b.length * DTYPE_BYTES[b.dtype]) / ALIGN) * ALIGN;
  }
  if (at > WASM_MAX_BYTES) {
    throw new CapacityError(
      `the kernel's buffers need ${formatBytes(at)}, more than the CPU backend's WebAssembly memory can address (${formatBytes(WASM_MAX_BYTES)})`,
      at,
      WASM_MAX_BYTES,
      'WebAssembly memory (wasm32)',
    );
  }
  return { offset, totalBytes: at };
}

/** Allocates the shared memory and fills it: inputs copied by name, every other buffer set to NaN so unwritten output fails verification. */
export function allocate(layout: Layout, buffers: readonly BufferSpec[], inputs: Inputs): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(layout.totalBytes / PAGE_BYTES));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  for (const b of buffers) {
    const view = viewOf(memory, layout, b);
    const input = inputs[b.name];
    if (input) {
      if (input.length !== b.length) throw new Error(`input ${b.name} has ${input.length} elements, the kernel expects ${b.length}`);
      view.set(input);
    } else {
      view.fill(NaN);
    }
  }
  return memory;
}

export function viewOf(memory: WebAssembly.Memory, layout: Layout, b: BufferSpec): Float32Array | Float64Array {
  const at = layout.offset[b.name]!;
  return b.dtype === 'f32' ? new Float32Array(memory.buffer, at, b.length) : new Float64Array(memory.buffer, at, b.length);
}

/** Splits [0, items) among workers on `align` boundaries: worker t gets [begin, end), possibly empty. */
export function partition(items: number, workers: number, align: number): Array<[number, number]> {
  const chunk = Math.ceil(items / workers / align) * align;
  return Array.from({ length: workers }, (_, t) => {
    const begin = Math.min(items, t * chunk);
    return [begin, Math.min(items, begin + chunk)] as [number, number];
  });
}
