/**
 * cuBLAS for GEMM: cublasGemmEx with float32, TF32, float16 and bfloat16 data,
 * float32 accumulation. cuBLAS is column-major: the row-major C = A·B is
 * computed as the column-major Cᵀ = Bᵀ·Aᵀ, i.e. with A and B swapped.
 */
import { VendorError } from '../../core/errors.js';
import { loadLibrary, optionalFunction, toolkitDirs, type NativeFunction } from '../../core/native.js';

export type GemmPrecision = 'f32' | 'tf32' | 'f16' | 'bf16';

/** cudaDataType and cublasComputeType values (library_types.h, cublas_api.h). */
const R_32F = 0;
const R_16F = 2;
const R_16BF = 14;
const COMPUTE_32F = 68;
const COMPUTE_32F_FAST_TF32 = 77;
const OP_N = 0;
const DEFAULT_MATH = 0;
const TF32_TENSOR_OP_MATH = 3;
const GEMM_DEFAULT = -1;

const TYPES: Record<GemmPrecision, { data: number; compute: number; math: number }> = {
  f32: { data: R_32F, compute: COMPUTE_32F, math: DEFAULT_MATH },
  tf32: { data: R_32F, compute: COMPUTE_32F_FAST_TF32, math: TF32_TENSOR_OP_MATH },
  f16: { data: R_16F, compute: COMPUTE_32F, math: DEFAULT_MATH },
  bf16: { data: R_16BF, compute: COMPUTE_32F, math: DEFAULT_MATH },
};

export class Cublas {
  private handle: unknown = null;

  private constructor(
    readonly path: string,
    readonly version: string,
    private readonly fn: Record<string, NativeFunction>,
  ) {}

  static load(driverCudaMajor: number, env: NodeJS.ProcessEnv = process.env): Cublas | { unavailable: string } {
    const majors = [13, 12, 11].filter((m) => m <= driverCudaMajor);
    const loaded = loadLibrary(
      {
        label: 'cuBLAS',
        env: 'FLOPMETER_CUBLAS',
        sonames: majors.map((m) => `libcublas.so.${m}`),
        wheelPaths: majors.flatMap((m) => (m >= 13 ? [`nvidia/cu${m}/lib/libcublas.so.${m}`] : [`nvidia/cublas/lib/libcublas.so.${m}`])),
        dirs: toolkitDirs(env),
      },
      env,
    );
    if ('unavailable' in loaded) return loaded;
    const decls: Record<string, string> = {
      create: 'int cublasCreate_v2(_Out_ void **handle)',
      destroy: 'int cublasDestroy_v2(void *handle)',
      setStream: 'int cublasSetStream_v2(void *handle, void *stream)',
      setMathMode: 'int cublasSetMathMode(void *handle, int mode)',
      getVersion: 'int cublasGetVersion_v2(void *handle, _Out_ int *version)',
      gemmEx:
        'int cublasGemmEx(void *handle, int transa, int transb, int m, int n, int k, const float *alpha, uint64_t A, int Atype, int lda, uint64_t B, int Btype, int ldb, const float *beta, uint64_t C, int Ctype, int ldc, int computeType, int algo)',
    };
    const fn: Record<string, NativeFunction> = {};
    for (const [k, d] of Object.entries(decls)) {
      try {
        fn[k] = loaded.lib.func(d);
      } catch {
        return { unavailable: `${loaded.path} has no ${d.split('(')[0]!.split(' ').pop()}` };
      }
    }
    const statusString = optionalFunction(loaded.lib, 'const char *cublasGetStatusString(int status)');
    const statusName = optionalFunction(loaded.lib, 'const char *cublasGetStatusName(int status)');
    if (statusString) fn.statusString = statusString;
    if (statusName) fn.statusName = statusName;
    const c = new Cublas(loaded.path, '', fn);
    return c;
  }

  private check(call: string, code: number): void {
    if (code === 0) return;
    const name = this.fn.statusName ? String((this.fn.statusName as (c: number) => string)(code)) : `CUBLAS_STATUS_${code}`;
    const text = this.fn.statusString ? String((this.fn.statusString as (c: number) => string)(code)) : name;
    throw new VendorError('cuBLAS', call, code, name, text);
  }

  /** Creates the handle on the current context and binds it to a stream. Returns the library version. */
  open(stream: unknown): string {
    const h = [null];
    this.check('cublasCreate', (this.fn.create as (o: unknown[]) => number)(h));
    this.handle = h[0];
    this.check('cublasSetStream', (this.fn.setStream as (a: unknown, b: unknown) => number)(this.handle, stream));
    const v = [0];
    this.check('cublasGetVersion', (this.fn.getVersion as (a: unknown, b: number[]) => number)(this.handle, v));
    const n = v[0]!;
    return `${Math.floor(n / 10000)}.${Math.floor((n % 10000) / 100)}.${n % 100}`;
  }

  /** Row-major C = A·B, square n, device pointers, in the given precision. */
  gemm(precision: GemmPrecision, n: number, a: number, b: number, c: number): void {
    const t = TYPES[precision];
    this.check('cublasSetMathMode', (this.fn.setMathMode as (h: unknown, m: number) => number)(this.handle, t.math));
    const alpha = Float32Array.of(1);
    const beta = Float32Array.of(0);
    this.check(
      'cublasGemmEx',
      (this.fn.gemmEx as (...args: unknown[]) => number)(this.handle, OP_N, OP_N, n, n, n, alpha, b, t.data, n, a, t.data, n, beta, c, t.data, n, t.compute, GEMM_DEFAULT),
    );
  }

  close(): void {
    if (this.handle) (this.fn.destroy as (h: unknown) => number)(this.handle);
    this.handle = null;
  }
}
