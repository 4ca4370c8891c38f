/**
 * A probe's WGSL kernel prepared on a device: shader module, pipelines, buffers
 * with the inputs uploaded, bind groups, and the iteration timer.
 */
import { DeviceLostError, FlopmeterError } from '../../core/errors.js';
import type { WebGpuKernelSpec } from '../../core/kernel.js';
import type { Inputs } from '../../core/probe.js';
import type { PreparedKernel, TimerInfo, WindowRequest, WindowTiming } from '../backend.js';
import { bufferBytes, fillNaN, fromGpuBytes, toGpuBytes } from './buffers.js';
import { shaderModuleText } from './shaders.js';
import { IterationTimer } from './timing.js';

/** What a kernel needs from its session. */
export interface KernelHost {
  device: GPUDevice;
  constants: { GPUBufferUsage: Record<string, number>; GPUMapMode: Record<string, number> };
  hasTimestamps: boolean;
  aborted(): boolean;
  /** Why the device was lost, or null. */
  lostReason(): string | null;
}

/** Timers as reported in results. */
export const TIMERS: Record<'device' | 'host' | 'roundtrip', TimerInfo> = {
  device: {
    kind: 'device',
    resolutionSeconds: 1e-9,
    description: 'WebGPU timestamp queries at the start and end of each compute pass (Dawn, quantisation off); batches of back-to-back passes',
  },
  host: {
    kind: 'host-monotonic',
    resolutionSeconds: 1e-6,
    description: 'host clock from submit to completion of batches of passes (the adapter has no timestamp-query); each iteration is its batch’s average',
  },
  roundtrip: {
    kind: 'host-monotonic',
    resolutionSeconds: 1e-6,
    description: 'host clock from queue.submit to queue.onSubmittedWorkDone, one iteration per submission',
  },
};

async function compile(device: GPUDevice, spec: WebGpuKernelSpec): Promise<GPUShaderModule> {
  const code = shaderModuleText(spec);
  const module = device.createShaderModule({ code, label: spec.shader });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new FlopmeterError(`kernels/webgpu/${spec.shader}.wgsl does not compile: ${errors.map((e) => `line ${e.lineNum}: ${e.message}`).join('; ')}`);
  }
  return module;
}

export async function prepareWgsl(host: KernelHost, spec: WebGpuKernelSpec, inputs: Inputs, engine: string, kernelIdentity: string): Promise<PreparedKernel> {
  const { device } = host;
  const U = host.constants.GPUBufferUsage;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  const module = await compile(device, spec);
  const buffers = new Map<string, GPUBuffer>();
  for (const b of spec.buffers) {
    const buffer = device.createBuffer({ label: b.name, size: bufferBytes(b), usage: U.STORAGE! | U.COPY_SRC! | U.COPY_DST! });
    buffers.set(b.name, buffer);
    const input = inputs[b.name];
    if (input) {
      if (input.length !== b.length) throw new FlopmeterError(`input ${b.name} has ${input.length} elements, the kernel expects ${b.length}`);
      device.queue.writeBuffer(buffer, 0, toGpuBytes(input, b.dtype));
    } else {
      fillNaN(device.queue, buffer, b);
    }
  }
  const steps = await Promise.all(
    spec.steps.map(async (step) => {
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: step.entry } });
      const entries: GPUBindGroupEntry[] = [];
      step.bindings.forEach((name, binding) => {
        if (name === null) return;
        const buffer = buffers.get(name);
        if (!buffer) throw new FlopmeterError(`step ${step.entry} binds unknown buffer ${name}`);
        entries.push({ binding, resource: { buffer } });
      });
      const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
      return { pipeline, bindGroup, workgroups: step.workgroups };
    }),
  );
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (oom) throw new FlopmeterError(`the device ran out of memory preparing ${spec.shader}: ${oom.message}`);
  if (invalid) throw new FlopmeterError(`WebGPU rejected ${spec.shader}: ${invalid.message}`);

  const encodeIteration = (pass: GPUComputePassEncoder): void => {
    for (const s of steps) {
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.workgroups);
    }
  };
  const mode = spec.timing === 'roundtrip' ? 'roundtrip' : host.hasTimestamps ? 'device' : 'host';
  const timer = new IterationTimer(
    {
      device,
      usage: { QUERY_RESOLVE: U.QUERY_RESOLVE!, COPY_SRC: U.COPY_SRC!, COPY_DST: U.COPY_DST!, MAP_READ: U.MAP_READ! },
      mapRead: host.constants.GPUMapMode.READ!,
      encodeIteration,
      aborted: () => host.aborted(),
    },
    mode,
  );
  /** Re-raises an error as device loss when the device is gone. */
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const value = await work();
      const lost = host.lostReason();
      if (lost) throw new DeviceLostError(lost);
      return value;
    } catch (err) {
      const lost = host.lostReason();
      if (lost && !(err instanceof DeviceLostError)) throw new DeviceLostError(lost);
      throw err;
    }
  };
  const outSpec = spec.buffers.find((b) => b.name === spec.output.buffer);
  if (!outSpec) throw new FlopmeterError(`output buffer ${spec.output.buffer} is not among the kernel's buffers`);

  return {
    engine,
    kernelIdentity,
    timer: TIMERS[mode],
    notes: [],
    runOnce: () =>
      guard(async () => {
        const size = bufferBytes(outSpec);
        const staging = device.createBuffer({ size, usage: U.MAP_READ! | U.COPY_DST! });
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        encodeIteration(pass);
        pass.end();
        enc.copyBufferToBuffer(buffers.get(outSpec.name)!, 0, staging, 0, size);
        device.queue.submit([enc.finish()]);
        await staging.mapAsync(host.constants.GPUMapMode.READ!);
        const values = fromGpuBytes(staging.getMappedRange(), outSpec.dtype, outSpec.length);
        staging.unmap();
        staging.destroy();
        return spec.output.transform ? spec.output.transform(values) : values;
      }),
    runWindow: (request: WindowRequest): Promise<WindowTiming> => guard(() => timer.window(request)),
    async dispose() {
      timer.destroy();
      for (const b of buffers.values()) b.destroy();
      buffers.clear();
    },
  };
}
