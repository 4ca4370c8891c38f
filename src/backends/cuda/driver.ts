/**
 * The CUDA driver API (libcuda.so.1) through koffi. Every call returns a
 * CUresult; `check` maps a failure once, here, to a VendorError carrying the
 * driver's own name and message for it. All calls are made synchronously from
 * the main thread: a context is current per OS thread.
 */
import koffi from 'koffi';
import { VendorError } from '../../core/errors.js';
import { DRIVER_DIRS, firstFunction, loadLibrary, type LibraryHandle, type NativeFunction } from '../../core/native.js';

export const CUDA_SUCCESS = 0;
export const CUDA_ERROR_NOT_READY = 600;

/** cuDeviceGetAttribute ids used here. */
export const ATTR = {
  MAX_THREADS_PER_BLOCK: 1,
  MAX_SHARED_MEMORY_PER_BLOCK: 8,
  CLOCK_RATE_KHZ: 13,
  MULTIPROCESSOR_COUNT: 16,
  PCI_BUS_ID: 33,
  PCI_DEVICE_ID: 34,
  MEMORY_CLOCK_RATE_KHZ: 36,
  GLOBAL_MEMORY_BUS_WIDTH: 37,
  L2_CACHE_SIZE: 38,
  MAX_THREADS_PER_MULTIPROCESSOR: 39,
  PCI_DOMAIN_ID: 50,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
  MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: 97,
} as const;

/** Opaque driver handles (pointers, as koffi gives them). */
export type Handle = unknown;

const DECLS = {
  cuInit: 'int cuInit(unsigned int flags)',
  cuDriverGetVersion: 'int cuDriverGetVersion(_Out_ int *version)',
  cuDeviceGetCount: 'int cuDeviceGetCount(_Out_ int *count)',
  cuDeviceGet: 'int cuDeviceGet(_Out_ int *device, int ordinal)',
  cuDeviceGetName: 'int cuDeviceGetName(uint8_t *name, int len, int device)',
  cuDeviceGetAttribute: 'int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)',
  cuDeviceTotalMem: 'int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int device)',
  cuDeviceGetPCIBusId: 'int cuDeviceGetPCIBusId(uint8_t *id, int len, int device)',
  cuDevicePrimaryCtxRetain: 'int cuDevicePrimaryCtxRetain(_Out_ void **ctx, int device)',
  cuDevicePrimaryCtxRelease: 'int cuDevicePrimaryCtxRelease_v2(int device)',
  cuCtxSetCurrent: 'int cuCtxSetCurrent(void *ctx)',
  cuStreamCreate: 'int cuStreamCreate(_Out_ void **stream, unsigned int flags)',
  cuStreamDestroy: 'int cuStreamDestroy_v2(void *stream)',
  cuStreamSynchronize: 'int cuStreamSynchronize(void *stream)',
  cuEventCreate: 'int cuEventCreate(_Out_ void **event, unsigned int flags)',
  cuEventDestroy: 'int cuEventDestroy_v2(void *event)',
  cuEventRecord: 'int cuEventRecord(void *event, void *stream)',
  cuEventSynchronize: 'int cuEventSynchronize(void *event)',
  cuEventQuery: 'int cuEventQuery(void *event)',
  cuMemAlloc: 'int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)',
  cuMemFree: 'int cuMemFree_v2(uint64_t dptr)',
  cuMemGetInfo: 'int cuMemGetInfo_v2(_Out_ size_t *free, _Out_ size_t *total)',
  cuMemcpyHtoD: 'int cuMemcpyHtoD_v2(uint64_t dst, const void *src, size_t bytes)',
  cuMemcpyDtoH: 'int cuMemcpyDtoH_v2(void *dst, uint64_t src, size_t bytes)',
  cuMemcpyHtoDAsync: 'int cuMemcpyHtoDAsync_v2(uint64_t dst, const void *src, size_t bytes, void *stream)',
  cuMemcpyDtoHAsync: 'int cuMemcpyDtoHAsync_v2(void *dst, uint64_t src, size_t bytes, void *stream)',
  cuMemHostAlloc: 'int cuMemHostAlloc(_Out_ void **ptr, size_t bytes, unsigned int flags)',
  cuMemFreeHost: 'int cuMemFreeHost(void *ptr)',
  cuMemsetD32: 'int cuMemsetD32_v2(uint64_t dst, unsigned int value, size_t count)',
  cuModuleLoadData: 'int cuModuleLoadData(_Out_ void **module, const void *image)',
  cuModuleUnload: 'int cuModuleUnload(void *module)',
  cuModuleGetFunction: 'int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)',
  cuLaunchKernel:
    'int cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, void *stream, void **params, void **extra)',
  cuGetErrorName: 'int cuGetErrorName(int error, _Out_ const char **name)',
  cuGetErrorString: 'int cuGetErrorString(int error, _Out_ const char **text)',
} as const;

type Bound = Record<keyof typeof DECLS, NativeFunction>;

export class CudaDriver {
  private constructor(
    readonly path: string,
    private readonly fn: Bound,
    private readonly elapsed: NativeFunction,
    private readonly uuid: NativeFunction | null,
  ) {}

  /** Loads libcuda.so.1 and binds every call flopmeter makes; says why not when it cannot. */
  static load(env: NodeJS.ProcessEnv = process.env): CudaDriver | { unavailable: string } {
    const loaded = loadLibrary({ label: 'the CUDA driver (libcuda.so.1)', env: 'FLOPMETER_LIBCUDA', sonames: ['libcuda.so.1'], dirs: DRIVER_DIRS }, env);
    if ('unavailable' in loaded) return loaded;
    const bound: Partial<Bound> = {};
    for (const [name, decl] of Object.entries(DECLS) as Array<[keyof typeof DECLS, string]>) {
      try {
        bound[name] = loaded.lib.func(decl);
      } catch {
        return { unavailable: `${loaded.path} has no ${decl.split('(')[0]!.split(' ').pop()} (driver too old?)` };
      }
    }
    const elapsed = firstFunction(loaded.lib, 'int cuEventElapsedTime_v2(_Out_ float *ms, void *start, void *end)', 'int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)');
    if (!elapsed) return { unavailable: `${loaded.path} has no cuEventElapsedTime` };
    const uuid = firstFunction(loaded.lib, 'int cuDeviceGetUuid_v2(uint8_t *uuid, int device)', 'int cuDeviceGetUuid(uint8_t *uuid, int device)');
    return new CudaDriver(loaded.path, bound as Bound, elapsed, uuid);
  }

  /** The driver's name and message for a CUresult. */
  describe(code: number): { name: string; message: string } {
    const name = [null];
    const text = [null];
    (this.fn.cuGetErrorName as (c: number, o: unknown[]) => number)(code, name);
    (this.fn.cuGetErrorString as (c: number, o: unknown[]) => number)(code, text);
    return { name: String(name[0] ?? `CUDA_ERROR_${code}`), message: String(text[0] ?? 'unknown error') };
  }

  /** Throws a VendorError for a failed call. */
  check(call: string, code: number): void {
    if (code === CUDA_SUCCESS) return;
    const { name, message } = this.describe(code);
    throw new VendorError('libcuda', call, code, name, message);
  }

  /** Calls a bound function and checks its result; out-parameters are one-element arrays. */
  call(name: keyof typeof DECLS, ...args: unknown[]): void {
    this.check(name, (this.fn[name] as (...a: unknown[]) => number)(...args));
  }

  /** Calls without checking (for cuEventQuery's NOT_READY). */
  raw(name: keyof typeof DECLS, ...args: unknown[]): number {
    return (this.fn[name] as (...a: unknown[]) => number)(...args);
  }

  init(): void {
    this.call('cuInit', 0);
  }

  version(): number {
    const v = [0];
    this.call('cuDriverGetVersion', v);
    return v[0]!;
  }

  deviceCount(): number {
    const n = [0];
    this.call('cuDeviceGetCount', n);
    return n[0]!;
  }

  device(ordinal: number): number {
    const d = [0];
    this.call('cuDeviceGet', d, ordinal);
    return d[0]!;
  }

  attribute(device: number, attr: number): number {
    const v = [0];
    this.call('cuDeviceGetAttribute', v, attr, device);
    return v[0]!;
  }

  name(device: number): string {
    const buf = Buffer.alloc(256);
    this.call('cuDeviceGetName', buf, buf.length, device);
    return buf.toString('utf8', 0, Math.max(0, buf.indexOf(0)));
  }

  totalMemory(device: number): number {
    const v = [0];
    this.call('cuDeviceTotalMem', v, device);
    return Number(v[0]);
  }

  pciBusId(device: number): string {
    const buf = Buffer.alloc(64);
    this.call('cuDeviceGetPCIBusId', buf, buf.length, device);
    return buf.toString('utf8', 0, Math.max(0, buf.indexOf(0))).toLowerCase();
  }

  /** "GPU-xxxxxxxx-xxxx-..." as nvidia-smi writes it, or null without the call. */
  uuidOf(device: number): string | null {
    if (!this.uuid) return null;
    const b = Buffer.alloc(16);
    this.check('cuDeviceGetUuid', (this.uuid as (o: Buffer, d: number) => number)(b, device));
    const h = b.toString('hex');
    return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Milliseconds between two recorded events (~0.5 µs resolution). */
  elapsedMs(start: Handle, end: Handle): number {
    const ms = [0];
    this.check('cuEventElapsedTime', (this.elapsed as (o: number[], a: unknown, b: unknown) => number)(ms, start, end));
    return ms[0]!;
  }

  /** A view of host memory the driver allocated (pinned buffers). */
  static view(pointer: Handle, bytes: number): ArrayBuffer {
    return koffi.view(pointer, bytes);
  }
}

export type { LibraryHandle };
