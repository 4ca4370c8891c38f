/**
 * A probe prepared on a CUDA device: an own kernel (module loaded, buffers
 * uploaded, arguments packed), a cuBLAS GEMM, or host↔device copies; each
 * enqueued per iteration on the session's stream and timed by CudaTimer.
 */
import koffi from 'koffi';
import { FlopmeterError } from '../../core/errors.js';
import type { CublasGemmSpec, CudaArg, CudaKernelSpec, CudaTransferSpec } from '../../core/kernel.js';
import type { Inputs } from '../../core/probe.js';
import type { PreparedKernel, WindowRequest, WindowTiming } from '../backend.js';
import type { Cublas } from './cublas.js';
import type { CudaDriver, Handle } from './driver.js';
import { DeviceBuffers } from './memory.js';
import { cudaSource, moduleImage, type Nvrtc } from './nvrtc.js';
import { CUDA_TIMERS, CudaTimer } from './timing.js';

/** What a prepared kernel needs from its session. */
export interface CudaHost {
  driver: CudaDriver;
  stream: Handle;
  /** Makes the session's context current on this thread (before every burst of calls). */
  activate(): void;
  arch: string;
  driverVersion: number;
  nvrtc: Nvrtc | { unavailable: string };
  cublas: { lib: Cublas; version: string } | null;
  aborted(): boolean;
}

/** One argument's bytes, as cuLaunchKernel's void** wants them. */
function packArg(arg: CudaArg, buffers: DeviceBuffers): ArrayBufferView {
  if ('buffer' in arg) return BigUint64Array.of(BigInt(buffers.pointer(arg.buffer)));
  if ('f32' in arg) return Float32Array.of(arg.f32);
  if ('f64' in arg) return Float64Array.of(arg.f64);
  if ('i32' in arg) return Int32Array.of(arg.i32);
  if ('u32' in arg) return Uint32Array.of(arg.u32);
  return BigUint64Array.of(BigInt(arg.u64));
}

function prepared(
  host: CudaHost,
  parts: { engine: string; identity: string; notes: string[]; enqueue: () => void; mode: 'device' | 'roundtrip'; runOnce: () => Float32Array | Float64Array; dispose: () => void },
): PreparedKernel {
  const timer = new CudaTimer(host.driver, host.stream, parts.enqueue, host.aborted, parts.mode);
  return {
    engine: parts.engine,
    kernelIdentity: parts.identity,
    timer: CUDA_TIMERS[parts.mode],
    notes: parts.notes,
    async runOnce() {
      host.activate();
      return parts.runOnce();
    },
    runWindow(request: WindowRequest): Promise<WindowTiming> {
      host.activate();
      return timer.window(request);
    },
    async dispose() {
      host.activate();
      timer.destroy();
      parts.dispose();
    },
  };
}

export function prepareKernel(host: CudaHost, spec: CudaKernelSpec, inputs: Inputs, notes: string[] = []): PreparedKernel {
  const d = host.driver;
  host.activate();
  let image;
  try {
    image = moduleImage(spec.source, host.arch, host.driverVersion, host.nvrtc);
  } catch (err) {
    // NVRTC failed (a missing header, say): fall back to nvcc's PTX where the build made one.
    if ('unavailable' in host.nvrtc) throw err;
    image = moduleImage(spec.source, host.arch, host.driverVersion, { unavailable: `NVRTC could not compile it: ${(err as Error).message}` });
  }
  const module = [null];
  d.call('cuModuleLoadData', module, image.image);
  const functions = spec.launches.map((l) => {
    const f = [null];
    d.call('cuModuleGetFunction', f, module[0], l.kernel);
    return f[0];
  });
  const buffers = new DeviceBuffers(d, spec.buffers);
  buffers.allocate(inputs);
  const launches = spec.launches.map((l, i) => ({ f: functions[i], l, params: l.args.map((a) => packArg(a, buffers)) }));
  const enqueue = (): void => {
    for (const { f, l, params } of launches) d.call('cuLaunchKernel', f, ...l.grid, ...l.block, l.sharedBytes ?? 0, host.stream, params, null);
  };
  const out = spec.output;
  return prepared(host, {
    engine: `cuda ${host.arch} (${image.origin === 'ptx' ? 'PTX from nvcc, JIT by the driver' : 'NVRTC cubin'})`,
    identity: cudaSource(spec.source),
    notes: [...notes, image.detail],
    enqueue,
    mode: spec.timing ?? 'device',
    runOnce: () => {
      enqueue();
      d.call('cuStreamSynchronize', host.stream);
      const values = buffers.read(out.buffer);
      return out.transform ? out.transform(values) : values;
    },
    dispose: () => {
      buffers.free();
      d.raw('cuModuleUnload', module[0]);
    },
  });
}

/** A cuBLAS GEMM's kernel identity: the library call (which cuBLAS ran is the engine). */
export function cublasGemmIdentity(spec: Pick<CublasGemmSpec, 'precision'>): string {
  return `cublasGemmEx(row-major C = A·B as Cᵀ = Bᵀ·Aᵀ, n × n, ${spec.precision} data, float32 accumulation${spec.precision === 'tf32' ? ', TF32 tensor cores' : ''})`;
}

/** A copy's kernel identity: the driver call and the host memory it copies. */
export function transferIdentity(spec: Pick<CudaTransferSpec, 'direction' | 'memory'>): string {
  return `cuMemcpy${spec.direction === 'h2d' ? 'HtoD' : 'DtoH'}Async_v2 of ${spec.memory} host memory`;
}

export function prepareGemm(host: CudaHost, spec: CublasGemmSpec, inputs: Inputs): PreparedKernel {
  if (!host.cublas) {
    if (!spec.fallback) throw new FlopmeterError(`cuBLAS is unavailable and flopmeter has no own ${spec.precision} GEMM kernel`);
    return prepareKernel(host, spec.fallback, inputs, ['cuBLAS unavailable: flopmeter’s own tiled kernel ran']);
  }
  const d = host.driver;
  host.activate();
  const { lib, version } = host.cublas;
  const buffers = new DeviceBuffers(d, spec.buffers);
  buffers.allocate(inputs);
  const [a, b, c] = [buffers.pointer(spec.a), buffers.pointer(spec.b), buffers.pointer(spec.c)];
  const enqueue = (): void => lib.gemm(spec.precision, spec.n, a, b, c);
  return prepared(host, {
    engine: `cuBLAS ${version} cublasGemmEx (${spec.precision})`,
    // The kernel is the library call; which cuBLAS ran is the engine.
    identity: cublasGemmIdentity(spec),
    notes: [],
    enqueue,
    mode: 'device',
    runOnce: () => {
      enqueue();
      d.call('cuStreamSynchronize', host.stream);
      return buffers.read(spec.output.buffer);
    },
    dispose: () => buffers.free(),
  });
}

export function prepareTransfer(host: CudaHost, spec: CudaTransferSpec, inputs: Inputs): PreparedKernel {
  const d = host.driver;
  host.activate();
  const input = inputs[spec.input];
  if (!(input instanceof Float32Array)) throw new FlopmeterError(`transfer input ${spec.input} must be float32`);
  const bytes = input.byteLength;
  const source = new Uint8Array(input.buffer, input.byteOffset, bytes);
  let pinned: Handle | null = null;
  let hostView: Uint8Array;
  if (spec.memory === 'pinned') {
    const p = [null];
    d.call('cuMemHostAlloc', p, bytes, 0);
    pinned = p[0];
    hostView = new Uint8Array(koffi.view(pinned, bytes));
  } else {
    hostView = new Uint8Array(bytes);
  }
  const hostArg: unknown = pinned ?? hostView;
  const dptr = [0];
  d.call('cuMemAlloc', dptr, bytes);
  const dev = Number(dptr[0]);
  const fillDeviceNaN = (): void => d.call('cuMemsetD32', dev, 0xffffffff, bytes / 4);
  if (spec.direction === 'h2d') hostView.set(source);
  else d.call('cuMemcpyHtoD', dev, source, bytes);
  const enqueue =
    spec.direction === 'h2d'
      ? (): void => d.call('cuMemcpyHtoDAsync', dev, hostArg, bytes, host.stream)
      : (): void => d.call('cuMemcpyDtoHAsync', hostArg, dev, bytes, host.stream);
  return prepared(host, {
    engine: `${spec.direction === 'h2d' ? 'cuMemcpyHtoDAsync' : 'cuMemcpyDtoHAsync'} (${spec.memory} host memory)`,
    identity: transferIdentity(spec),
    notes: [],
    enqueue,
    mode: 'device',
    runOnce: () => {
      if (spec.direction === 'h2d') fillDeviceNaN();
      else hostView.fill(0xff);
      enqueue();
      d.call('cuStreamSynchronize', host.stream);
      if (spec.direction === 'd2h') return new Float32Array(hostView.slice().buffer);
      const back = new Float32Array(bytes / 4);
      d.call('cuMemcpyDtoH', back, dev, bytes);
      return back;
    },
    dispose: () => {
      d.raw('cuMemFree', dev);
      if (pinned) d.raw('cuMemFreeHost', pinned);
    },
  });
}
