/**
 * NVML (libnvidia-ml.so.1) through koffi: identity, power (instant and
 * averaged), the total energy counter, utilisation, temperature, clocks,
 * clock-event (throttle) reasons, memory and performance state. Read-only: no
 * call here changes a device. Errors are mapped once, here, to VendorError with
 * NVML's own message (nvmlErrorString).
 */
import { VendorError } from '../core/errors.js';
import { cString, DRIVER_DIRS, firstFunction, loadLibrary, optionalFunction, type LibraryHandle, type NativeFunction } from '../core/native.js';

export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;

/** nvmlFieldValue_t field ids used here. */
export const FIELD = { TOTAL_ENERGY_CONSUMPTION: 83, POWER_AVERAGE: 185, POWER_INSTANT: 186 } as const;
/** Size of nvmlFieldValue_t on x86-64 and the offsets read from it. */
const FIELD_VALUE_BYTES = 40;
/** nvmlClockType_t. */
export const CLOCK = { GRAPHICS: 0, SM: 1, MEM: 2 } as const;
/** nvmlPciInfo_t: busIdLegacy[16], domain, bus, device, pciDeviceId, pciSubSystemId (u32 each), busId[32]. */
const PCI_INFO_BYTES = 68;
const PCI_DEVICE_ID_OFFSET = 28;
const PCI_BUS_ID_OFFSET = 36;

/**
 * Clock-event (throttle) reason bits (nvml.h nvmlClocksEventReason*, 64-bit
 * masks), named as nvidia-smi names them; keyed by the bit's value in decimal.
 */
export const THROTTLE_REASONS: Record<string, string> = {
  0x1: 'gpu_idle',
  0x2: 'applications_clocks_setting',
  0x4: 'sw_power_cap',
  0x8: 'hw_slowdown',
  0x10: 'sync_boost',
  0x20: 'sw_thermal_slowdown',
  0x40: 'hw_thermal_slowdown',
  0x80: 'hw_power_brake_slowdown',
  0x100: 'display_clock_setting',
};

/** nvmlDeviceArchitecture_t (nvml.h NVML_DEVICE_ARCH_*, NVML API 13). */
export const NVML_ARCH = { KEPLER: 2, MAXWELL: 3, PASCAL: 4, VOLTA: 5, TURING: 6, AMPERE: 7, ADA: 8, HOPPER: 9, BLACKWELL: 10, RUBIN: 13, UNKNOWN: 0xffffffff } as const;
const ARCHITECTURES: Record<number, string> = {
  [NVML_ARCH.KEPLER]: 'Kepler',
  [NVML_ARCH.MAXWELL]: 'Maxwell',
  [NVML_ARCH.PASCAL]: 'Pascal',
  [NVML_ARCH.VOLTA]: 'Volta',
  [NVML_ARCH.TURING]: 'Turing',
  [NVML_ARCH.AMPERE]: 'Ampere',
  [NVML_ARCH.ADA]: 'Ada',
  [NVML_ARCH.HOPPER]: 'Hopper',
  [NVML_ARCH.BLACKWELL]: 'Blackwell',
  [NVML_ARCH.RUBIN]: 'Rubin',
};

const DECLS = {
  init: 'int nvmlInit_v2(void)',
  shutdown: 'int nvmlShutdown(void)',
  errorString: 'const char *nvmlErrorString(int result)',
  count: 'int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)',
  handle: 'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ void **device)',
  name: 'int nvmlDeviceGetName(void *device, uint8_t *name, unsigned int length)',
  uuid: 'int nvmlDeviceGetUUID(void *device, uint8_t *uuid, unsigned int length)',
  pci: 'int nvmlDeviceGetPciInfo_v3(void *device, uint8_t *pci)',
  driver: 'int nvmlSystemGetDriverVersion(uint8_t *version, unsigned int length)',
  powerLimit: 'int nvmlDeviceGetEnforcedPowerLimit(void *device, _Out_ unsigned int *milliwatts)',
  power: 'int nvmlDeviceGetPowerUsage(void *device, _Out_ unsigned int *milliwatts)',
  energy: 'int nvmlDeviceGetTotalEnergyConsumption(void *device, _Out_ uint64_t *millijoules)',
  fields: 'int nvmlDeviceGetFieldValues(void *device, int count, uint8_t *values)',
  utilization: 'int nvmlDeviceGetUtilizationRates(void *device, uint8_t *rates)',
  temperature: 'int nvmlDeviceGetTemperature(void *device, int sensor, _Out_ unsigned int *celsius)',
  clock: 'int nvmlDeviceGetClockInfo(void *device, int type, _Out_ unsigned int *mhz)',
  memory: 'int nvmlDeviceGetMemoryInfo(void *device, uint8_t *memory)',
  pstate: 'int nvmlDeviceGetPerformanceState(void *device, _Out_ int *state)',
} as const;

type Bound = Record<keyof typeof DECLS, NativeFunction>;
type Fn = (...args: unknown[]) => number;

export interface FieldReading {
  fieldId: number;
  ok: boolean;
  value: number;
}

export class Nvml {
  private constructor(
    readonly path: string,
    /** The loaded library, for bindings kept in their own files (nvml-processes.ts). */
    readonly lib: LibraryHandle,
    private readonly fn: Bound,
    private readonly reasons: NativeFunction | null,
    private readonly arch: NativeFunction | null,
  ) {}

  /** Loads and initialises NVML; says why not when it cannot. */
  static open(env: NodeJS.ProcessEnv = process.env): Nvml | { unavailable: string } {
    const loaded = loadLibrary({ label: 'NVML (libnvidia-ml.so.1)', env: 'FLOPMETER_NVML', sonames: ['libnvidia-ml.so.1'], dirs: DRIVER_DIRS }, env);
    if ('unavailable' in loaded) return loaded;
    const fn: Partial<Bound> = {};
    for (const [k, d] of Object.entries(DECLS) as Array<[keyof typeof DECLS, string]>) {
      try {
        fn[k] = loaded.lib.func(d);
      } catch {
        return { unavailable: `${loaded.path} has no ${d.split('(')[0]!.split(' ').pop()} (driver too old?)` };
      }
    }
    const reasons = firstFunction(
      loaded.lib,
      'int nvmlDeviceGetCurrentClocksEventReasons(void *device, _Out_ uint64_t *reasons)',
      'int nvmlDeviceGetCurrentClocksThrottleReasons(void *device, _Out_ uint64_t *reasons)',
    );
    const arch = optionalFunction(loaded.lib, 'int nvmlDeviceGetArchitecture(void *device, _Out_ unsigned int *arch)');
    const nvml = new Nvml(loaded.path, loaded.lib, fn as Bound, reasons, arch);
    try {
      nvml.call('nvmlInit', 'init');
    } catch (err) {
      return { unavailable: (err as Error).message };
    }
    return nvml;
  }

  private message(code: number): string {
    return String((this.fn.errorString as (c: number) => string)(code));
  }

  /** Calls and maps a failure to a VendorError with NVML's message. */
  private call(what: string, name: keyof typeof DECLS, ...args: unknown[]): void {
    const code = (this.fn[name] as Fn)(...args);
    if (code !== NVML_SUCCESS) throw new VendorError('NVML', what, code, `NVML_ERROR_${code}`, this.message(code));
  }

  /** Calls; returns false (instead of throwing) for "not supported" on this device. */
  private tryCall(what: string, name: keyof typeof DECLS, ...args: unknown[]): boolean {
    return this.check(what, (this.fn[name] as Fn)(...args));
  }

  /** Binds a function this NVML may lack (for bindings in their own files: nvml-health.ts); null where it has none. */
  optional(decl: string): NativeFunction | null {
    return optionalFunction(this.lib, decl);
  }

  /** A call's return code: true for success, false for "not supported", else a VendorError with NVML's message. */
  check(what: string, code: number): boolean {
    if (code === NVML_SUCCESS) return true;
    if (code === NVML_ERROR_NOT_SUPPORTED) return false;
    throw new VendorError('NVML', what, code, `NVML_ERROR_${code}`, this.message(code));
  }

  count(): number {
    const n = [0];
    this.call('nvmlDeviceGetCount', 'count', n);
    return n[0]!;
  }

  handle(index: number): unknown {
    const h = [null];
    this.call('nvmlDeviceGetHandleByIndex', 'handle', index, h);
    return h[0];
  }

  private text(name: 'name' | 'uuid', device: unknown): string {
    const buf = Buffer.alloc(96);
    this.call(`nvmlDeviceGet${name === 'name' ? 'Name' : 'UUID'}`, name, device, buf, buf.length);
    return cString(buf);
  }

  name(device: unknown): string {
    return this.text('name', device);
  }

  uuid(device: unknown): string {
    return this.text('uuid', device);
  }

  private pciInfo(device: unknown): Buffer {
    const buf = Buffer.alloc(PCI_INFO_BYTES);
    this.call('nvmlDeviceGetPciInfo_v3', 'pci', device, buf);
    return buf;
  }

  /** PCI bus id as NVML writes it ("00000000:17:00.0"). */
  pciBusId(device: unknown): string {
    return cString(this.pciInfo(device).subarray(PCI_BUS_ID_OFFSET, PCI_BUS_ID_OFFSET + 32));
  }

  /** The 16-bit PCI device id (the high half of nvmlPciInfo_t.pciDeviceId; the low half is the vendor, 0x10de). */
  pciDeviceId(device: unknown): number {
    return this.pciInfo(device).readUInt32LE(PCI_DEVICE_ID_OFFSET) >>> 16;
  }

  driverVersion(): string {
    const buf = Buffer.alloc(80);
    this.call('nvmlSystemGetDriverVersion', 'driver', buf, buf.length);
    return cString(buf);
  }

  /** The architecture's name, "unknown (presumably newer)" for NVML_DEVICE_ARCH_UNKNOWN, or null where NVML cannot say. */
  architecture(device: unknown): string | null {
    if (!this.arch) return null;
    const a = [0];
    if ((this.arch as Fn)(device, a) !== NVML_SUCCESS) return null;
    return a[0] === NVML_ARCH.UNKNOWN ? 'unknown (presumably newer)' : (ARCHITECTURES[a[0]!] ?? `arch ${a[0]}`);
  }

  /** Watts, or null where not supported. */
  powerLimitWatts(device: unknown): number | null {
    const mw = [0];
    return this.tryCall('nvmlDeviceGetEnforcedPowerLimit', 'powerLimit', device, mw) ? mw[0]! / 1000 : null;
  }

  powerWatts(device: unknown): number | null {
    const mw = [0];
    return this.tryCall('nvmlDeviceGetPowerUsage', 'power', device, mw) ? mw[0]! / 1000 : null;
  }

  energyJoules(device: unknown): number | null {
    const mj = [0];
    return this.tryCall('nvmlDeviceGetTotalEnergyConsumption', 'energy', device, mj) ? Number(mj[0]) / 1000 : null;
  }

  /** Several fields in one call; each entry carries its own status. */
  fields(device: unknown, ids: readonly number[]): FieldReading[] {
    const buf = Buffer.alloc(FIELD_VALUE_BYTES * ids.length);
    ids.forEach((id, i) => buf.writeUInt32LE(id, i * FIELD_VALUE_BYTES));
    this.call('nvmlDeviceGetFieldValues', 'fields', device, ids.length, buf);
    return ids.map((fieldId, i) => {
      const at = i * FIELD_VALUE_BYTES;
      const ok = buf.readInt32LE(at + 28) === NVML_SUCCESS;
      return { fieldId, ok, value: ok ? readFieldValue(buf, at) : NaN };
    });
  }

  /** GPU and memory busy shares, as ratios. */
  utilization(device: unknown): { gpu: number; memory: number } | null {
    const buf = Buffer.alloc(8);
    return this.tryCall('nvmlDeviceGetUtilizationRates', 'utilization', device, buf) ? { gpu: buf.readUInt32LE(0) / 100, memory: buf.readUInt32LE(4) / 100 } : null;
  }

  temperature(device: unknown): number | null {
    const c = [0];
    return this.tryCall('nvmlDeviceGetTemperature', 'temperature', device, 0, c) ? c[0]! : null;
  }

  /** Hertz. */
  clock(device: unknown, type: number): number | null {
    const mhz = [0];
    return this.tryCall('nvmlDeviceGetClockInfo', 'clock', device, type, mhz) ? mhz[0]! * 1e6 : null;
  }

  /** The clock-event reasons, the whole unsigned long long (koffi gives a number up to 2^53, a bigint above). */
  throttleReasons(device: unknown): bigint | null {
    if (!this.reasons) return null;
    const r: Array<number | bigint> = [0];
    return this.check('nvmlDeviceGetCurrentClocksEventReasons', (this.reasons as Fn)(device, r)) ? BigInt(r[0]!) : null;
  }

  memory(device: unknown): { total: number; used: number } | null {
    const buf = Buffer.alloc(24);
    if (!this.tryCall('nvmlDeviceGetMemoryInfo', 'memory', device, buf)) return null;
    return { total: Number(buf.readBigUInt64LE(0)), used: Number(buf.readBigUInt64LE(16)) };
  }

  pstate(device: unknown): number | null {
    const p = [0];
    return this.tryCall('nvmlDeviceGetPerformanceState', 'pstate', device, p) && p[0] !== 32 ? p[0]! : null;
  }

  close(): void {
    (this.fn.shutdown as Fn)();
  }
}

/** The value union of nvmlFieldValue_t, read by its valueType (0 double, 1 uint, 2 ulong, 3 ulonglong, 4 slonglong, 5 sint, 6 ushort). */
function readFieldValue(buf: Buffer, at: number): number {
  const v = at + 32;
  switch (buf.readInt32LE(at + 24)) {
    case 0:
      return buf.readDoubleLE(v);
    case 1:
      return buf.readUInt32LE(v);
    case 2:
    case 3:
      return Number(buf.readBigUInt64LE(v));
    case 4:
      return Number(buf.readBigInt64LE(v));
    case 5:
      return buf.readInt32LE(v);
    case 6:
      return buf.readUInt16LE(v);
    default:
      return NaN;
  }
}
