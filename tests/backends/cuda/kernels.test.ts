/**
 * Every CUDA kernel compiles with nvcc (installed where flopmeter is built,
 * with or without a GPU): the PTX fallback is made from exactly these sources.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNvcc, PTX_ARCH } from '../../../src/backends/cuda/nvcc.js';
import { ROOT, removeDir, requireComponent, tempDir } from '../../helpers.js';

const sources = readdirSync(join(ROOT, 'kernels', 'cuda')).filter((f) => f.endsWith('.cu'));

describe('CUDA kernels compile with nvcc', () => {
  it('has every kernel the CUDA probes launch', () => {
    expect(sources.sort()).toEqual(['fma-peak.cu', 'gemm.cu', 'launch-latency.cu', 'reduce.cu', 'stream.cu']);
  });

  for (const f of sources) {
    it(f, (ctx) => {
      const nvcc = findNvcc();
      requireComponent(ctx, nvcc !== null, 'nvcc');
      const out = tempDir('ptx-');
      try {
        execFileSync(nvcc!, ['--ptx', `-arch=${PTX_ARCH}`, '-Werror', 'all-warnings', '-o', join(out, 'k.ptx'), join(ROOT, 'kernels', 'cuda', f)], { stdio: 'pipe' });
        const ptx = execFileSync('cat', [join(out, 'k.ptx')], { encoding: 'utf8' });
        expect(ptx).toMatch(/\.visible \.entry /);
      } finally {
        removeDir(out);
      }
    });
  }
});
