/**
 * The samplers, listed explicitly. A run starts those that apply; each says
 * which of its sensors are missing and why.
 */
import type { SamplerFactory } from './sampler.js';
import { createRaplSampler } from './rapl.js';
import { createHostSampler } from './host.js';
import { createAmdgpuSampler } from './amdgpu.js';

export const SAMPLERS: Record<string, SamplerFactory> = {
  rapl: createRaplSampler,
  host: createHostSampler,
  amdgpu: createAmdgpuSampler,
};

export const DEFAULT_SAMPLERS: readonly string[] = ['rapl', 'host', 'amdgpu'];
