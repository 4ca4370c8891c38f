/**
 * Kernel descriptions a probe hands to a backend. Probes describe; backends
 * interpret. Kernel sources live in kernels/<backend>/ and import nothing.
 */

/** Element types of kernel buffers. */
export type DType = 'f32' | 'f64';

export const DTYPE_BYTES: Record<DType, number> = { f32: 4, f64: 8 };

/** A buffer the kernel uses. When an input of the same name exists, the buffer starts as a copy of it. */
export interface BufferSpec {
  name: string;
  dtype: DType;
  /** Length in elements. */
  length: number;
}

/** What a CPU kernel's argument builder sees for one worker. */
export interface CpuArgContext {
  /** Byte offset of each buffer in the kernel's linear memory. */
  offset: Record<string, number>;
  /** This worker's slice of the phase's items: [begin, end). */
  begin: number;
  end: number;
  /** Worker index (0 = the leader) and the number of workers. */
  thread: number;
  threads: number;
}

/** One step of an iteration: every worker calls `entry` on its slice of `items`, then all meet at a barrier. */
export interface CpuPhase {
  /** Exported function of the WebAssembly module. */
  entry: string;
  /** Items split among the workers. */
  items: number;
  /** Slice boundaries fall on multiples of this (the kernel's vector/unroll width). */
  align: number;
  /** Arguments for one worker's call; evaluated once at preparation. */
  args(ctx: CpuArgContext): number[];
}

/** Reads a buffer back after a run (a view over the kernel memory). */
export type BufferReader = (name: string) => Float32Array | Float64Array;

/** A WebAssembly SIMD kernel from kernels/cpu/<module>.wat. */
export interface CpuWasmKernel {
  kind: 'wasm';
  /** Module name: kernels/cpu/<module>.wat. */
  module: string;
  buffers: BufferSpec[];
  phases: CpuPhase[];
  /** The output to verify, from the buffers after one iteration. */
  output(read: BufferReader): Float32Array | Float64Array;
}

/** Single-precision GEMM C = A·B (row-major, square) through the system BLAS, with a WebAssembly fallback. */
export interface CpuSgemmKernel {
  kind: 'blas-sgemm';
  n: number;
  a: string;
  b: string;
  c: string;
  buffers: BufferSpec[];
  output(read: BufferReader): Float32Array | Float64Array;
  /** Used when no BLAS library with cblas_sgemm is found. */
  fallback: CpuWasmKernel;
}

export type CpuKernelSpec = CpuWasmKernel | CpuSgemmKernel;

/** What a probe's CPU builder may take into account. */
export interface CpuBuildContext {
  threads: number;
  /** Whether relaxed SIMD (fused multiply-add) is usable in this Node.js. */
  relaxedSimd: boolean;
}
