/**
 * NVML's view of the processes on a GPU: the compute processes running
 * (nvmlDeviceGetComputeRunningProcesses_v3) and their recent SM utilisation
 * (nvmlDeviceGetProcessUtilization). Read-only. Layouts and codes from
 * NVIDIA's nvml.h (NVML_API_VERSION 13, vendored in NVIDIA/go-nvml
 * pkg/nvml/nvml.h); errors are mapped here to VendorError.
 */
import { VendorError } from '../core/errors.js';
import { optionalFunction, type LibraryHandle, type NativeFunction } from '../core/native.js';
import { NVML_ERROR_NOT_SUPPORTED, NVML_SUCCESS } from './nvml.js';

/** nvml.h nvmlReturn_t codes these calls answer besides success and "not supported". */
export const NVML_ERROR_NOT_FOUND = 6;
export const NVML_ERROR_INSUFFICIENT_SIZE = 7;

/** nvmlProcessInfo_t (v2): pid u32 @0, usedGpuMemory u64 @8, gpuInstanceId u32 @16, computeInstanceId u32 @20; 24 bytes. */
const PROCESS_INFO_BYTES = 24;
/** nvmlProcessUtilizationSample_t: pid u32 @0, timeStamp u64 @8 (CPU µs), smUtil @16, memUtil @20, encUtil @24, decUtil @28; 32 bytes. */
const UTIL_SAMPLE_BYTES = 32;
/** nvml.h NVML_VALUE_NOT_AVAILABLE for usedGpuMemory (unsigned long long -1). */
const VALUE_NOT_AVAILABLE = 0xffffffffffffffffn;
/** Entries a first call makes room for: more than a GPU usually runs; NVML says when more are needed. */
const FIRST_CAPACITY = 64;

/** A compute process NVML lists on a GPU. */
export interface GpuProcess {
  pid: number;
  /** Device memory it holds, bytes; null where NVML cannot say. */
  usedMemoryBytes: number | null;
}

/** One utilisation sample of a process. */
export interface ProcessUtilSample {
  pid: number;
  /** When the driver took it: CPU time in microseconds (NVML's clock, for lastSeenTimeStamp). */
  timestampUs: number;
  /** SM (3D/compute) busy share over the driver's sample period, percent. */
  smPercent: number;
  /** Frame-buffer memory busy share, percent. */
  memPercent: number;
}

type Fn = (...args: unknown[]) => number;

export class NvmlProcessQueries {
  private constructor(
    private readonly running: NativeFunction | null,
    private readonly util: NativeFunction | null,
    private readonly errorString: NativeFunction,
  ) {}

  /** Binds the calls the library has (either may be absent from an old driver). */
  static bind(lib: LibraryHandle): NvmlProcessQueries {
    return new NvmlProcessQueries(
      optionalFunction(lib, 'int nvmlDeviceGetComputeRunningProcesses_v3(void *device, _Inout_ unsigned int *count, uint8_t *infos)'),
      optionalFunction(lib, 'int nvmlDeviceGetProcessUtilization(void *device, uint8_t *samples, _Inout_ unsigned int *count, unsigned long long lastSeen)'),
      lib.func('const char *nvmlErrorString(int result)'),
    );
  }

  private fail(call: string, code: number): never {
    throw new VendorError('NVML', call, code, `NVML_ERROR_${code}`, String((this.errorString as (c: number) => string)(code)));
  }

  /** The compute processes on the device; null where not supported (or the driver lacks the call). */
  computeProcesses(device: unknown): GpuProcess[] | null {
    if (!this.running) return null;
    const { code, buf, count } = this.grow((buf, n) => (this.running as Fn)(device, n, buf), PROCESS_INFO_BYTES);
    if (code === NVML_ERROR_NOT_SUPPORTED) return null;
    if (code !== NVML_SUCCESS) this.fail('nvmlDeviceGetComputeRunningProcesses_v3', code);
    return Array.from({ length: count }, (_, i) => {
      const mem = buf.readBigUInt64LE(i * PROCESS_INFO_BYTES + 8);
      return { pid: buf.readUInt32LE(i * PROCESS_INFO_BYTES), usedMemoryBytes: mem === VALUE_NOT_AVAILABLE ? null : Number(mem) };
    });
  }

  /**
   * Utilisation samples taken after `lastSeenUs`: an empty list when there are none
   * (NVML_ERROR_NOT_FOUND: no process was busy since), null where not supported.
   */
  processUtilization(device: unknown, lastSeenUs: number): ProcessUtilSample[] | null {
    if (!this.util) return null;
    const { code, buf, count } = this.grow((buf, n) => (this.util as Fn)(device, buf, n, lastSeenUs), UTIL_SAMPLE_BYTES);
    if (code === NVML_ERROR_NOT_SUPPORTED) return null;
    if (code === NVML_ERROR_NOT_FOUND) return [];
    if (code !== NVML_SUCCESS) this.fail('nvmlDeviceGetProcessUtilization', code);
    return Array.from({ length: count }, (_, i) => {
      const at = i * UTIL_SAMPLE_BYTES;
      return { pid: buf.readUInt32LE(at), timestampUs: Number(buf.readBigUInt64LE(at + 8)), smPercent: buf.readUInt32LE(at + 16), memPercent: buf.readUInt32LE(at + 20) };
    });
  }

  /** Calls with room for FIRST_CAPACITY entries, and once more with the room NVML asks for on NVML_ERROR_INSUFFICIENT_SIZE. */
  private grow(call: (buf: Buffer, count: number[]) => number, entryBytes: number): { code: number; buf: Buffer; count: number } {
    let capacity = FIRST_CAPACITY;
    for (let attempt = 0; ; attempt++) {
      const buf = Buffer.alloc(capacity * entryBytes);
      const n = [capacity];
      const code = call(buf, n);
      // Processes may start between the calls: a second shortfall is answered with room to spare.
      if (code === NVML_ERROR_INSUFFICIENT_SIZE && attempt < 2) capacity = Math.max(n[0]!, capacity) * 2;
      else return { code, buf, count: Math.min(n[0]!, capacity) };
    }
  }
}
