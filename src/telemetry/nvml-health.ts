/**
 * NVML's device-health calls through koffi: volatile ECC error counters,
 * remapped rows, and critical Xid events (an event set polled without
 * waiting). Read-only, like nvml.ts. Signatures, layouts and constants from
 * NVIDIA's nvml.h (as vendored in NVIDIA/go-nvml, gen/nvml/nvml.h).
 * Functions this NVML lacks read as "not supported": the series is absent.
 */
import koffi from 'koffi';
import type { NativeFunction } from '../core/native.js';
import type { Nvml } from './nvml.js';

/** nvml.h nvmlReturn_t values the health code tells apart. */
export const NVML_ERROR_TIMEOUT = 10;
export const NVML_ERROR_GPU_IS_LOST = 15;
/** nvml.h nvmlEventTypeXidCriticalError. */
const EVENT_XID_CRITICAL = 0x8;
/** nvml.h nvmlMemoryErrorType_t and nvmlEccCounterType_t (volatile: since the driver loaded). */
const MEMORY_ERROR = { CORRECTED: 0, UNCORRECTED: 1 } as const;
const NVML_VOLATILE_ECC = 0;
/** nvmlEventData_t on x86-64: device (pointer), eventType, eventData (u64 each), gpuInstanceId, computeInstanceId (u32 each). */
const EVENT_DATA_BYTES = 32;
const EVENT_DATA_OFFSET = 16;
/** At most this many events are taken per poll, so that a flood of events cannot hold one sampler read for long. */
const MAX_EVENTS_PER_POLL = 64;

const DECLS = {
  ecc: 'int nvmlDeviceGetTotalEccErrors(void *device, int errorType, int counterType, _Out_ uint64_t *count)',
  remapped: 'int nvmlDeviceGetRemappedRows(void *device, _Out_ unsigned int *corr, _Out_ unsigned int *unc, _Out_ unsigned int *pending, _Out_ unsigned int *failure)',
  setCreate: 'int nvmlEventSetCreate(_Out_ void **set)',
  register: 'int nvmlDeviceRegisterEvents(void *device, unsigned long long types, void *set)',
  wait: 'int nvmlEventSetWait_v2(void *set, uint8_t *data, unsigned int timeoutms)',
  setFree: 'int nvmlEventSetFree(void *set)',
} as const;

type Fn = (...args: unknown[]) => number;

/** A critical Xid event. */
export interface XidEvent {
  /** The address of the device's handle (nvmlDevice_t), to match it to a GPU. */
  handle: bigint;
  /** The Xid code (999: unknown, per nvml.h). */
  xid: number;
}

export class NvmlHealth {
  private readonly fn: Partial<Record<keyof typeof DECLS, NativeFunction>> = {};
  private set: unknown = null;

  constructor(private readonly nvml: Nvml) {
    for (const [k, d] of Object.entries(DECLS) as Array<[keyof typeof DECLS, string]>) {
      const f = nvml.optional(d);
      if (f) this.fn[k] = f;
    }
  }

  private call(name: keyof typeof DECLS, what: string, ...args: unknown[]): boolean {
    const f = this.fn[name];
    return f ? this.nvml.check(what, (f as Fn)(...args)) : false;
  }

  /** Volatile ECC error counts, or null where not supported; throws on any other error. */
  ecc(device: unknown): { corrected: number; uncorrected: number } | null {
    const c = [0];
    const u = [0];
    if (!this.call('ecc', 'nvmlDeviceGetTotalEccErrors', device, MEMORY_ERROR.CORRECTED, NVML_VOLATILE_ECC, c)) return null;
    if (!this.call('ecc', 'nvmlDeviceGetTotalEccErrors', device, MEMORY_ERROR.UNCORRECTED, NVML_VOLATILE_ECC, u)) return null;
    return { corrected: Number(c[0]), uncorrected: Number(u[0]) };
  }

  /** Remapped rows and flags, or null where not supported; throws on any other error. */
  remappedRows(device: unknown): { correctable: number; uncorrectable: number; pending: boolean; failureOccurred: boolean } | null {
    const [corr, unc, pending, failure] = [[0], [0], [0], [0]];
    if (!this.call('remapped', 'nvmlDeviceGetRemappedRows', device, corr, unc, pending, failure)) return null;
    return { correctable: corr[0]!, uncorrectable: unc[0]!, pending: pending[0] !== 0, failureOccurred: failure[0] !== 0 };
  }

  /** Registers a device for critical Xid events; false where it cannot have them (not supported); throws on any other error. */
  watchXid(device: unknown): boolean {
    if (!this.fn.register || !this.fn.wait) return false;
    if (this.set === null) {
      const s = [null];
      if (!this.call('setCreate', 'nvmlEventSetCreate', s)) return false;
      this.set = s[0];
    }
    return this.call('register', 'nvmlDeviceRegisterEvents', device, EVENT_XID_CRITICAL, this.set);
  }

  /** The events waiting now (timeout 0: never blocks); throws on an error other than "none waiting". */
  pollXid(): XidEvent[] {
    const out: XidEvent[] = [];
    if (this.set === null) return out;
    const buf = Buffer.alloc(EVENT_DATA_BYTES);
    for (let i = 0; i < MAX_EVENTS_PER_POLL; i++) {
      const code = (this.fn.wait as Fn)(this.set, buf, 0);
      if (code === NVML_ERROR_TIMEOUT) break;
      this.nvml.check('nvmlEventSetWait_v2', code);
      out.push({ handle: buf.readBigUInt64LE(0), xid: Number(buf.readBigUInt64LE(EVENT_DATA_OFFSET)) });
    }
    return out;
  }

  /** A handle's address, to match an event's device. */
  static address(handle: unknown): bigint {
    return koffi.address(handle);
  }

  close(): void {
    if (this.set !== null) (this.fn.setFree as Fn | undefined)?.(this.set);
    this.set = null;
  }
}
