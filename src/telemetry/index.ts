/**
 * The samplers, listed explicitly. A run starts those that apply; each says
 * which of its sensors are missing and why.
 */
import type { SamplerFactory } from './sampler.js';
import { createRaplSampler } from './rapl.js';
import { createHostSampler } from './host.js';
import { createAmdgpuSampler } from './amdgpu.js';
import { createNvmlSampler } from './nvml-sampler.js';
import { createNvidiaSmiSampler } from './nvidia-smi.js';

export const SAMPLERS: Record<string, SamplerFactory> = {
  rapl: createRaplSampler,
  host: createHostSampler,
  amdgpu: createAmdgpuSampler,
  nvml: createNvmlSampler,
  // Only where NVML cannot be loaded: it says so and stays idle otherwise.
  'nvidia-smi': createNvidiaSmiSampler,
};

export const DEFAULT_SAMPLERS: readonly string[] = ['rapl', 'host', 'amdgpu', 'nvml', 'nvidia-smi'];
