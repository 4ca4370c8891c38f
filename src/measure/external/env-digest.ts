/**
 * A digest of the environment variables that commonly change a workload's
 * performance (threads, visible devices, math modes, allocators), so that two
 * results of one command can be told apart when their settings differ.
 */
import { createHash } from 'node:crypto';

/** Variables digested by name. */
export const PERFORMANCE_ENV = [
  'CUDA_VISIBLE_DEVICES',
  'HIP_VISIBLE_DEVICES',
  'ROCR_VISIBLE_DEVICES',
  'CUDA_DEVICE_MAX_CONNECTIONS',
  'CUDA_LAUNCH_BLOCKING',
  'CUBLAS_WORKSPACE_CONFIG',
  'NVIDIA_TF32_OVERRIDE',
  'NCCL_ALGO',
  'NCCL_PROTO',
  'OMP_NUM_THREADS',
  'OMP_PROC_BIND',
  'OMP_PLACES',
  'MKL_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'BLIS_NUM_THREADS',
  'VECLIB_MAXIMUM_THREADS',
  'NUMEXPR_NUM_THREADS',
  'XLA_FLAGS',
  'PYTORCH_CUDA_ALLOC_CONF',
  'TORCH_CUDNN_V8_API_ENABLED',
  'TOKENIZERS_PARALLELISM',
  'UV_THREADPOOL_SIZE',
] as const;

/** Prefixes of variable families digested whole (TensorFlow's and vLLM's settings). */
export const PERFORMANCE_ENV_PREFIXES = ['TF_', 'VLLM_'] as const;

/** The digested variables present, and the digest. */
export interface EnvDigest {
  /** "sha256:" + hex of the sorted NAME=value lines (one "\n" after each); the same for an equal environment. */
  digest: string;
  /** The names present, sorted (values are left out: they may hold paths or secrets). */
  names: string[];
}

function digested(name: string): boolean {
  return (PERFORMANCE_ENV as readonly string[]).includes(name) || PERFORMANCE_ENV_PREFIXES.some((p) => name.startsWith(p));
}

export function envDigest(env: NodeJS.ProcessEnv): EnvDigest {
  const names = Object.keys(env)
    .filter((n) => digested(n) && env[n] !== undefined)
    .sort();
  const hash = createHash('sha256');
  for (const n of names) hash.update(`${n}=${env[n]}\n`);
  return { digest: `sha256:${hash.digest('hex')}`, names };
}
