/**
 * nvcc, where the build machine has it: the PTX fallback is built with it, and
 * the tests check that every kernel compiles with it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The oldest virtual architecture CUDA 13's nvcc accepts: PTX for compute_75
 * runs (JIT-compiled by the driver) on every GPU from Turing on.
 */
export const PTX_ARCH = 'compute_75';

/** Path of nvcc: $CUDA_HOME/bin, the PATH, or /usr/local/cuda/bin; null when absent. */
export function findNvcc(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [env.CUDA_HOME && join(env.CUDA_HOME, 'bin'), ...(env.PATH ?? '').split(':'), '/usr/local/cuda/bin'].filter((d): d is string => Boolean(d));
  for (const d of dirs) {
    const p = join(d, 'nvcc');
    if (existsSync(p)) return p;
  }
  return null;
}
