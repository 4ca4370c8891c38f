/**
 * The Backend seam (DESIGN.md §3). A backend discovers its devices (saying
 * why it is unavailable when it is), opens one, prepares a probe's kernel on
 * it and times iterations with the device's own timer, or lends the device
 * to work it hosts but does not interpret (a model's framework:
 * core/workload.ts). Code above this seam checks capabilities, never vendor
 * names.
 */
import type { AnyProbe, Inputs, Params } from '../core/probe.js';
import type { BackendId, Capabilities, DeviceInfo } from '../core/device.js';
import type { PreparedKernel } from '../core/prepared.js';

// The device and prepared-work types live in core (shared with hosted workloads); re-exported here, where the seam's users look.
export { BACKEND_IDS } from '../core/device.js';
export type { BackendId, Capabilities, DeviceInfo, TheoreticalPeaks, TimerInfo } from '../core/device.js';
export type { PreparedKernel, WindowRequest, WindowTiming } from '../core/prepared.js';

export type Discovery =
  | { available: true; devices: DeviceInfo[]; notes: string[] }
  | { available: false; reason: string; devices: DeviceInfo[]; notes: string[] };

export interface DeviceSession {
  readonly device: DeviceInfo;
  readonly capabilities: Capabilities;
  /** Why this device cannot run this probe with these parameters, or null when it can. */
  unsupported(probe: AnyProbe, params: Params): string | null;
  /** Throws a CapacityError when the probe's buffers cannot fit (host memory up to `availableBytes`); allocates nothing. */
  checkCapacity(probe: AnyProbe, params: Params, availableBytes: number): void;
  prepare(probe: AnyProbe, params: Params, inputs: Inputs): Promise<PreparedKernel>;
  /**
   * Starts afresh, between blocks of windows, what a new run would start
   * afresh beyond the kernel's buffers (the CPU's worker threads, so their
   * placement varies as it does between runs). Optional: sessions without
   * such state have nothing to renew.
   */
  renew?(): Promise<void>;
  /** Stops any iteration loop as soon as possible (the window returns with aborted = true). */
  abort(): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Worker threads for the CPU backend. */
  threads?: number;
  /** Use the device's own timer where it has one (default true); false times on the host. */
  deviceTimer?: boolean;
}

export interface Backend {
  readonly id: BackendId;
  readonly description: string;
  /** Never throws: an unavailable backend says why. */
  discover(): Promise<Discovery>;
  open(device: DeviceInfo, options: OpenOptions): Promise<DeviceSession>;
}
