/**
 * An open CUDA device: its primary context, one stream, and cuBLAS bound to
 * that stream when the library is present.
 */
import { CapacityError } from '../../core/errors.js';
import type { CudaBuildContext, CudaSpec } from '../../core/kernel.js';
import type { AnyProbe, Inputs, Params, Unsupported } from '../../core/probe.js';
import type { HostedWorkload } from '../../core/workload.js';
import { formatBytes } from '../../core/units.js';
import type { Capabilities, DeviceInfo, PreparedKernel } from '../backend.js';
import type { Cublas } from './cublas.js';
import type { CudaDriver, Handle } from './driver.js';
import { prepareGemm, prepareKernel, prepareTransfer, type CudaHost } from './kernel.js';
import { deviceBytes } from './memory.js';
import type { Nvrtc } from './nvrtc.js';
import { CUDA_TIMERS } from './timing.js';
import { checkHostMemory } from '../capacity.js';
import { SessionBase } from '../session-base.js';

export interface CudaLibraries {
  nvrtc: Nvrtc | { unavailable: string };
  cublas: Cublas | { unavailable: string };
}

export class CudaSession extends SessionBase<CudaSpec> {
  protected readonly backendName = 'CUDA';
  private readonly host: CudaHost;

  private constructor(
    readonly device: DeviceInfo,
    readonly capabilities: Capabilities,
    private readonly driver: CudaDriver,
    private readonly handle: number,
    private readonly ctx: Handle,
    private readonly stream: Handle,
    private readonly build: CudaBuildContext,
    libs: CudaLibraries,
    cublas: { lib: Cublas; version: string } | null,
  ) {
    super();
    const [major, minor] = build.computeCapability;
    this.host = {
      driver,
      stream,
      activate: () => driver.call('cuCtxSetCurrent', ctx),
      arch: `sm_${major}${minor}`,
      driverVersion: driver.version(),
      nvrtc: libs.nvrtc,
      cublas,
      aborted: () => this.abortRequested,
    };
  }

  static open(driver: CudaDriver, info: DeviceInfo, libs: CudaLibraries): CudaSession {
    const ordinal = Number(info.identity.ordinal);
    const handle = driver.device(ordinal);
    const ctx = [null];
    driver.call('cuDevicePrimaryCtxRetain', ctx, handle);
    driver.call('cuCtxSetCurrent', ctx[0]);
    const stream = [null];
    driver.call('cuStreamCreate', stream, 0);
    let cublas: { lib: Cublas; version: string } | null = null;
    if (!('unavailable' in libs.cublas)) cublas = { lib: libs.cublas, version: libs.cublas.open(stream[0]) };
    const cc = String(info.identity.computeCapability).split('.').map(Number) as [number, number];
    const build: CudaBuildContext = {
      computeCapability: cc,
      smCount: Number(info.identity.smCount),
      maxThreadsPerSm: Number(info.identity.maxThreadsPerSm),
      cublas: cublas !== null,
    };
    const total = Number(info.limits.memoryBytes);
    const capabilities: Capabilities = {
      maxAllocationBytes: total,
      memoryBytes: total,
      timer: CUDA_TIMERS.device,
      features: [`sm_${cc[0]}${cc[1]}`, cublas ? 'cublas' : 'no-cublas', 'unavailable' in libs.nvrtc ? 'ptx' : 'nvrtc'],
    };
    return new CudaSession(info, capabilities, driver, handle, ctx[0], stream[0], build, libs, cublas);
  }

  protected describe(probe: AnyProbe, params: Params): CudaSpec | HostedWorkload | Unsupported | undefined {
    return probe.impl.cuda?.(params, this.build);
  }

  protected override kernelUnsupported(spec: CudaSpec): string | null {
    if (spec.kind === 'cublas-gemm' && !this.host.cublas && !spec.fallback) return `cuBLAS is unavailable and flopmeter has no own ${spec.precision} GEMM kernel`;
    return null;
  }

  protected checkKernelCapacity(spec: CudaSpec, probe: AnyProbe, params: Params, availableBytes: number): void {
    const buffers = spec.kind === 'cuda' ? spec.buffers : spec.kind === 'cublas-gemm' ? (this.host.cublas ? spec.buffers : (spec.fallback?.buffers ?? [])) : [];
    let need = buffers.reduce((s, b) => s + deviceBytes(b), 0);
    if (spec.kind === 'cuda-transfer') need = probe.work(params).bytes ?? 0;
    this.host.activate();
    const free = [0];
    const total = [0];
    this.driver.call('cuMemGetInfo', free, total);
    if (need > Number(free[0])) {
      throw new CapacityError(`needs ${formatBytes(need)} of device memory, but ${this.device.id} has ${formatBytes(Number(free[0]))} free`, need, Number(free[0]), 'device free memory');
    }
    checkHostMemory(probe, params, availableBytes);
  }

  protected async prepareKernel(spec: CudaSpec, inputs: Inputs): Promise<PreparedKernel> {
    if (spec.kind === 'cuda') return prepareKernel(this.host, spec, inputs);
    if (spec.kind === 'cublas-gemm') return prepareGemm(this.host, spec, inputs);
    return prepareTransfer(this.host, spec, inputs);
  }

  async close(): Promise<void> {
    this.host.activate();
    this.host.cublas?.lib.close();
    this.driver.raw('cuStreamDestroy', this.stream);
    this.driver.raw('cuDevicePrimaryCtxRelease', this.handle);
  }
}
