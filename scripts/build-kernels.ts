/**
 * Build step: compiles kernels/cpu/*.wat to dist/kernels/cpu/*.wasm with wabt
 * (SIMD, threads and relaxed SIMD enabled at parse time; whether the running
 * Node.js accepts a module is decided at run time by WebAssembly.validate);
 * compiles kernels/cuda/*.cu to PTX with nvcc where it is installed (the
 * fallback for hosts without NVRTC); and records the build's provenance in
 * dist/build-info.json.
 */
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { mkdirSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { packageRoot } from '../src/core/paths.js';
import { findNvcc, PTX_ARCH } from '../src/backends/cuda/nvcc.js';

const root = packageRoot();
const srcDir = join(root, 'kernels', 'cpu');
const outDir = join(root, 'dist', 'kernels', 'cpu');

async function main(): Promise<void> {
  const wabt = await wabtInit();
  await mkdir(outDir, { recursive: true });
  const files = (await readdir(srcDir)).filter((f) => f.endsWith('.wat')).sort();
  for (const file of files) {
    const text = await readFile(join(srcDir, file), 'utf8');
    const module = wabt.parseWat(file, text, { simd: true, threads: true, relaxed_simd: true });
    const { buffer } = module.toBinary({ log: false, write_debug_names: true });
    module.destroy();
    // Validation by the engine that will run it (wabt's own validator rejects shared memories).
    // Relaxed SIMD is optional: Node.js 20 needs a flag for it, and flopmeter then uses fma.wat.
    if (!WebAssembly.validate(buffer) && !file.includes('_relaxed')) throw new Error(`${file}: the compiled module does not validate in this Node.js`);
    await writeFile(join(outDir, file.replace(/\.wat$/, '.wasm')), buffer);
  }
  await writeFile(join(root, 'dist', 'build-info.json'), JSON.stringify(buildInfo(), null, 2));
  console.log(`built ${files.length} CPU kernels into ${outDir}`);
  buildPtx();
}

/** PTX for every CUDA kernel, for hosts whose driver has no NVRTC beside it. */
function buildPtx(): void {
  const nvcc = findNvcc();
  const cudaOut = join(root, 'dist', 'kernels', 'cuda');
  if (!nvcc) {
    console.log('nvcc not found: no PTX fallback built (CUDA hosts then need NVRTC)');
    return;
  }
  mkdirSync(cudaOut, { recursive: true });
  const sources = readdirSync(join(root, 'kernels', 'cuda')).filter((f) => f.endsWith('.cu')).sort();
  for (const f of sources) {
    execFileSync(nvcc, ['--ptx', `-arch=${PTX_ARCH}`, '-o', join(cudaOut, f.replace(/\.cu$/, '.ptx')), join(root, 'kernels', 'cuda', f)], { stdio: 'inherit' });
  }
  console.log(`built ${sources.length} CUDA kernels as ${PTX_ARCH} PTX into ${cudaOut}`);
}

function buildInfo(): { commit: string | null; dirty: boolean | null; builtAt: string } {
  const git = (...args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const commit = git('rev-parse', 'HEAD');
  const status = commit ? git('status', '--porcelain', '--untracked-files=no') : null;
  return { commit, dirty: status === null ? null : status.length > 0, builtAt: new Date().toISOString() };
}

await main();
