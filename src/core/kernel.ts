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

/** The kernel identity of a CpuSgemmKernel run through the system BLAS: the library call (which library ran is the engine). */
export const CBLAS_SGEMM_CALL = 'cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, A, n, B, n, 0, C, n)';

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

/** Element types of GPU buffers. f16 needs the adapter's shader-f16 feature. */
export type GpuDType = 'f32' | 'f16' | 'u32';

export const GPU_DTYPE_BYTES: Record<GpuDType, number> = { f32: 4, f16: 2, u32: 4 };

/**
 * A GPU buffer. When an input of the same name exists, the buffer starts as a
 * copy of it (f32 input values are converted to f16 bits for an f16 buffer;
 * probes give f16-representable values); any other buffer starts as NaN
 * (0xFFFF… for u32) so that unwritten output fails verification.
 */
export interface GpuBufferSpec {
  name: string;
  dtype: GpuDType;
  /** Length in elements. */
  length: number;
}

/** One dispatch of an iteration. */
export interface WgslStep {
  /** Entry point in the shader. */
  entry: string;
  /** The buffer bound at @group(0) @binding(i) is bindings[i]; null where the entry point uses none. */
  bindings: Array<string | null>;
  /** Workgroups to dispatch in x, y, z. */
  workgroups: [number, number, number];
}

/** Lines flopmeter puts before a WGSL file: the way sizes and element types reach the shader. */
export interface WgslPrelude {
  /** `enable` directives, e.g. ["f16"]. */
  enable?: string[];
  /** Type aliases, e.g. { T: 'f16' }. */
  alias?: Record<string, string>;
  /** Module-scope constants as WGSL literals, e.g. { WG: '256u', A: '0.5f' }. */
  const?: Record<string, string>;
}

/** A WGSL kernel from kernels/webgpu/<shader>.wgsl. */
export interface WebGpuKernelSpec {
  kind: 'wgsl';
  shader: string;
  prelude?: WgslPrelude;
  /** Adapter features the shader needs (e.g. "shader-f16"). */
  features?: string[];
  buffers: GpuBufferSpec[];
  /** Dispatched in order in one compute pass per iteration. */
  steps: WgslStep[];
  /**
   * How iterations are timed: "device" (timestamp queries around each pass,
   * batched back to back; the default) or "roundtrip" (each iteration submitted
   * and awaited on the host: submit-to-completion latency).
   */
  timing?: 'device' | 'roundtrip';
  /** Which buffer to read back for verification, and how to turn it into the probe's output. */
  output: { buffer: string; transform?: (values: Float32Array) => Float32Array | Float64Array };
}

/** What a probe's WebGPU builder may take into account. */
export interface WebGpuBuildContext {
  /** Adapter features (e.g. "shader-f16", "timestamp-query"). */
  features: readonly string[];
  /** Device limits flopmeter asked for (the adapter's own). */
  limits: Readonly<Record<string, number>>;
  /** Whether the adapter is a software (fallback) implementation. */
  software: boolean;
}

/** Element types of CUDA buffers. */
export type CudaDType = 'f64' | 'f32' | 'f16' | 'bf16' | 'u32';

export const CUDA_DTYPE_BYTES: Record<CudaDType, number> = { f64: 8, f32: 4, f16: 2, bf16: 2, u32: 4 };

/**
 * A CUDA buffer. As on the GPU: an input of the same name fills it (converted
 * to f16/bf16 bits where needed; probes give representable values), anything
 * else starts as NaN so that unwritten output fails verification.
 */
export interface CudaBufferSpec {
  name: string;
  dtype: CudaDType;
  length: number;
}

/** One kernel argument: a buffer's device pointer, or a scalar of a C type. */
export type CudaArg = { buffer: string } | { f32: number } | { f64: number } | { i32: number } | { u32: number } | { u64: number };

export interface CudaLaunch {
  /** extern "C" function name in the source. */
  kernel: string;
  grid: [number, number, number];
  block: [number, number, number];
  sharedBytes?: number;
  args: CudaArg[];
}

/** flopmeter's own kernel from kernels/cuda/<source>.cu (NVRTC, or nvcc's PTX). */
export interface CudaKernelSpec {
  kind: 'cuda';
  source: string;
  buffers: CudaBufferSpec[];
  /** Launched in order on one stream per iteration. */
  launches: CudaLaunch[];
  /** "device": CUDA events around each iteration (default); "roundtrip": launch to completion on the host. */
  timing?: 'device' | 'roundtrip';
  output: { buffer: string; transform?: (values: Float32Array | Float64Array) => Float32Array | Float64Array };
}

/** Square row-major GEMM through cuBLAS (cublasGemmEx), with an own kernel where cuBLAS is absent. */
export interface CublasGemmSpec {
  kind: 'cublas-gemm';
  precision: 'f32' | 'tf32' | 'f16' | 'bf16';
  n: number;
  a: string;
  b: string;
  c: string;
  buffers: CudaBufferSpec[];
  output: { buffer: string };
  /** Used without cuBLAS; null when no own kernel covers this precision. */
  fallback: CudaKernelSpec | null;
}

/** Host↔device copies of `bytes` through cuMemcpy*Async, from pinned or pageable host memory. */
export interface CudaTransferSpec {
  kind: 'cuda-transfer';
  direction: 'h2d' | 'd2h';
  memory: 'pinned' | 'pageable';
  /** The input (float32) that is copied; its bytes are the transfer. */
  input: string;
}

export type CudaSpec = CudaKernelSpec | CublasGemmSpec | CudaTransferSpec;

/** What a probe's CUDA builder may take into account. */
export interface CudaBuildContext {
  computeCapability: [number, number];
  smCount: number;
  maxThreadsPerSm: number;
  /** Whether cuBLAS is loaded. */
  cublas: boolean;
}
