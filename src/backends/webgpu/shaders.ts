/**
 * WGSL sources from kernels/webgpu/, with the prelude a kernel description
 * asks for (enable directives, the element-type alias, constants).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/paths.js';
import type { WebGpuKernelSpec } from '../../core/kernel.js';

export function shaderSource(name: string): string {
  return readFileSync(join(packageRoot(), 'kernels', 'webgpu', `${name}.wgsl`), 'utf8');
}

/** The full module text: prelude lines, then the file. */
export function shaderModuleText(spec: WebGpuKernelSpec): string {
  const p = spec.prelude ?? {};
  const lines = [
    ...(p.enable ?? []).map((e) => `enable ${e};`),
    ...Object.entries(p.alias ?? {}).map(([k, v]) => `alias ${k} = ${v};`),
    ...Object.entries(p.const ?? {}).map(([k, v]) => `const ${k} = ${v};`),
  ];
  return `${lines.join('\n')}\n${shaderSource(spec.shader)}`;
}
