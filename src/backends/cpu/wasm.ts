/**
 * The CPU kernels, compiled from kernels/cpu/*.wat at build time, and what
 * the running Node.js accepts of WebAssembly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, packageRoot, requireBuilt } from '../../core/paths.js';

const compiled = new Map<string, WebAssembly.Module>();

/** The compiled module for kernels/cpu/<name>.wat (cached). */
export function kernelModule(name: string): WebAssembly.Module {
  let module = compiled.get(name);
  if (!module) {
    const path = requireBuilt(join(distDir(), 'kernels', 'cpu', `${name}.wasm`));
    module = new WebAssembly.Module(readFileSync(path));
    compiled.set(name, module);
  }
  return module;
}

/** The WebAssembly text of a kernel, as hashed into result definitions. */
export function kernelSource(name: string): string {
  return readFileSync(join(packageRoot(), 'kernels', 'cpu', `${name}.wat`), 'utf8');
}

// (module (func (result v128) (v128.const i64x2 0 0)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** 128-bit SIMD (every Node.js ≥ 16 has it). */
export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

/** Relaxed SIMD (fused multiply-add): on by default from Node.js 22; Node.js 20 needs a V8 flag. */
export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(readFileSync(requireBuilt(join(distDir(), 'kernels', 'cpu', 'fma_relaxed.wasm'))));
  } catch {
    return false;
  }
}
