/**
 * An open CPU device: a pool of worker threads that runs probes' kernels over
 * shared memory: native code built for the host's ISA where it is built, else
 * WebAssembly, or the system BLAS.
 */
import type { AnyProbe, Inputs, Params, Unsupported } from '../../core/probe.js';
import type { HostedWorkload } from '../../core/workload.js';
import { CBLAS_SGEMM_CALL, type CpuBuildContext, type CpuKernelSpec, type CpuWasmKernel } from '../../core/kernel.js';
import { AbortedError } from '../../core/errors.js';
import type { Capabilities, DeviceInfo, PreparedKernel, WindowRequest, WindowTiming } from '../backend.js';
import { CpuWorkerPool } from './pool.js';
import { allocate, layoutBuffers, partition, viewOf, type Layout } from './memory.js';
import { kernelModule, kernelSource } from './wasm.js';
import { blasEngineName, findBlas } from './blas.js';
import type { WorkerKernel, WorkerPhase } from './protocol.js';
import { findNative, NATIVE_CFLAGS, nativeEngineName, nativeEntry, nativeIdentity } from './native.js';
import { checkHostMemory } from '../capacity.js';
import { SessionBase } from '../session-base.js';

/** Each worker's share of every phase (outer: workers): the export and its arguments over its slice, or null for an empty slice. */
function splitPhases(spec: CpuWasmKernel, layout: Layout, threads: number): WorkerPhase[][] {
  const slices = spec.phases.map((phase) => partition(phase.items, threads, phase.align));
  return Array.from({ length: threads }, (_, thread) =>
    spec.phases.map((phase, p) => {
      const [begin, end] = slices[p]![thread]!;
      return { entry: phase.entry, args: begin < end ? phase.args({ offset: layout.offset, begin, end, thread, threads }) : null };
    }),
  );
}

/**
 * A hosted workload (a TensorFlow.js engine) runs on this thread or keeps its
 * own threads; the pool idles meanwhile.
 */
export class CpuSession extends SessionBase<CpuKernelSpec> {
  protected readonly backendName = 'CPU';

  private constructor(
    readonly device: DeviceInfo,
    readonly capabilities: Capabilities,
    private pool: CpuWorkerPool,
    private readonly ctx: CpuBuildContext,
  ) {
    super();
  }

  static async open(device: DeviceInfo, capabilities: Capabilities, threads: number): Promise<CpuSession> {
    const pool = await CpuWorkerPool.create(threads);
    const relaxedSimd = capabilities.features.includes('relaxed-simd');
    return new CpuSession(device, capabilities, pool, { threads, relaxedSimd });
  }

  protected describe(probe: AnyProbe, params: Params): CpuKernelSpec | HostedWorkload | Unsupported | undefined {
    return probe.impl.cpu?.(params, this.ctx);
  }

  protected checkKernelCapacity(spec: CpuKernelSpec, probe: AnyProbe, params: Params, availableBytes: number): void {
    // The buffers of the kernel that will actually run (the BLAS call, or its fallback).
    layoutBuffers(spec.kind === 'wasm' ? spec.buffers : findBlas().found ? spec.buffers : spec.fallback.buffers);
    checkHostMemory(probe, params, availableBytes);
  }

  protected async prepareKernel(spec: CpuKernelSpec, inputs: Inputs): Promise<PreparedKernel> {
    if (spec.kind === 'blas-sgemm') {
      const blas = findBlas();
      if (blas.found) {
        const layout = layoutBuffers(spec.buffers);
        const memory = allocate(layout, spec.buffers, inputs);
        const at = (name: string): number => layout.offset[name]!;
        const kernels: WorkerKernel[] = [
          { kind: 'blas-sgemm', library: blas.library.path, threads: this.pool.threads, memory, n: spec.n, a: at(spec.a), b: at(spec.b), c: at(spec.c) },
          ...Array.from({ length: this.pool.threads - 1 }, (): WorkerKernel => ({ kind: 'none' })),
        ];
        await this.pool.load(kernels);
        // The kernel is the library call itself; which library and version ran is the engine.
        return this.prepared(blasEngineName(blas.library), CBLAS_SGEMM_CALL, false, memory, layout, spec, []);
      }
      return this.prepareWasm(spec.fallback, inputs, [`system BLAS not used: ${blas.reason}`]);
    }
    return this.prepareWasm(spec, inputs, []);
  }

  /** A WebAssembly kernel description: its native counterparts where they are built, else the WebAssembly kernel. */
  private async prepareWasm(spec: CpuWasmKernel, inputs: Inputs, notes: string[]): Promise<PreparedKernel> {
    const layout = layoutBuffers(spec.buffers);
    const memory = allocate(layout, spec.buffers, inputs);
    const phases = splitPhases(spec, layout, this.pool.threads);
    const native = spec.phases.every((p) => nativeEntry(spec.module, p.entry)) ? findNative() : null;
    if (native?.found) {
      const lib = native.library;
      const prototype = (entry: string): string => nativeEntry(spec.module, entry)!.prototype;
      await this.pool.load(phases.map((mine) => ({ kind: 'native', library: lib.path, memory, phases: mine.map((p) => ({ ...p, entry: prototype(p.entry) })) })));
      const built = `native kernel compiled by ${lib.compiler ?? 'an unidentified compiler'} with ${NATIVE_CFLAGS.join(' ')}`;
      return this.prepared(nativeEngineName(lib), nativeIdentity(spec.module), true, memory, layout, spec, [...notes, built]);
    }
    const module = kernelModule(spec.module);
    await this.pool.load(phases.map((mine) => ({ kind: 'wasm', module, memory, phases: mine })));
    const engine = spec.module.endsWith('_relaxed') ? 'wasm-relaxed-simd' : 'wasm-simd128';
    const why = native ? [`native kernel not used: ${native.reason}`] : [];
    return this.prepared(engine, kernelSource(spec.module), true, memory, layout, spec, [...notes, ...why]);
  }

  private prepared(
    engine: string,
    kernelIdentity: string,
    withFollowers: boolean,
    memory: WebAssembly.Memory,
    layout: Layout,
    spec: Pick<CpuKernelSpec, 'buffers' | 'output'>,
    notes: string[],
  ): PreparedKernel {
    const pool = this.pool;
    const read = (name: string): Float32Array | Float64Array => {
      const b = spec.buffers.find((x) => x.name === name);
      if (!b) throw new Error(`no buffer named ${name}`);
      return viewOf(memory, layout, b);
    };
    let live: WebAssembly.Memory | null = memory;
    return {
      engine,
      kernelIdentity,
      notes,
      timer: this.capabilities.timer,
      async runOnce() {
        const t = await pool.window({ minSeconds: 0, minIterations: 1, maxIterations: 1 }, withFollowers);
        // Interrupted before the kernel ran: the output buffer still holds its inputs.
        if (t.aborted) throw new AbortedError('interrupted before the kernel ran');
        return spec.output(read).slice();
      },
      runWindow(request: WindowRequest): Promise<WindowTiming> {
        return pool.window(request, withFollowers);
      },
      async dispose() {
        if (!live) return;
        live = null;
        // Workers drop their instances so the memory can be collected.
        await pool.load(Array.from({ length: pool.threads }, (): WorkerKernel => ({ kind: 'none' })));
      },
    };
  }

  /** New worker threads (placed afresh by the OS), as a new run would have. */
  async renew(): Promise<void> {
    if (this.abortRequested) return;
    const threads = this.pool.threads;
    await this.pool.close();
    this.pool = await CpuWorkerPool.create(threads);
  }

  override abort(): void {
    super.abort();
    this.pool.abort();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
