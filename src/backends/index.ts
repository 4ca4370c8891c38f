/**
 * The backends, in the order a run takes them. Listed explicitly: adding a
 * backend means adding it here.
 */
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { webgpuBackend } from './webgpu/index.js';
import { cudaBackend } from './cuda/index.js';

export const BACKENDS: readonly Backend[] = [cpuBackend, cudaBackend, webgpuBackend];
