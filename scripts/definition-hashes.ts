/**
 * Prints, as JSON, the definition hash of every probe, parameter set (every
 * preset's grid, on every backend) and kernel variant, with each kernel
 * identified as its backend identifies it. Two builds of flopmeter (say, for
 * different JavaScript targets) must print the same: the hash is computed
 * from declared data, never from compiled code (tests/scripts/definition-hashes.test.ts).
 *
 *   node dist/scripts/definition-hashes.js > hashes.json
 */
import { fileURLToPath } from 'node:url';
import { PROBES } from '../probes/index.js';
import { expandGrid, isUnsupported, paramsLabel, PRESET_IDS, type AnyProbe, type Params } from '../src/core/probe.js';
import { CBLAS_SGEMM_CALL, type CpuBuildContext, type CpuKernelSpec, type CudaBuildContext, type CudaSpec, type WebGpuBuildContext, type WebGpuKernelSpec } from '../src/core/kernel.js';
import type { HostedWorkload } from '../src/core/workload.js';
import { definitionHash } from '../src/measure/definition.js';
import { kernelSource } from '../src/backends/cpu/wasm.js';
import { hasNative, nativeIdentity } from '../src/backends/cpu/native.js';
import { shaderModuleText } from '../src/backends/webgpu/shaders.js';
import { cudaSource } from '../src/backends/cuda/nvrtc.js';
import { cublasGemmIdentity, transferIdentity } from '../src/backends/cuda/kernel.js';

/** Build contexts that reach every kernel variant the probes choose between. */
const CPU_CONTEXTS: CpuBuildContext[] = [false, true].map((relaxedSimd) => ({ threads: 2, relaxedSimd }));
const WEBGPU_CONTEXTS: WebGpuBuildContext[] = [false, true].map((software) => ({ features: ['shader-f16', 'timestamp-query'], limits: {}, software }));
const CUDA_CONTEXTS: CudaBuildContext[] = [{ computeCapability: [9, 0], smCount: 132, maxThreadsPerSm: 2048, cublas: true }];

/**
 * The kernel identities a backend would hash for one kernel description, by
 * variant: a BLAS GEMM on the CPU is the library call, or the WebAssembly
 * fallback where there is no BLAS; a WebAssembly kernel with native
 * counterparts is also its C source; a hosted workload (a model) is its identity.
 */
function identitiesOf(spec: unknown): Array<[string, string]> {
  if (typeof spec !== 'object' || spec === null || isUnsupported(spec)) return [];
  const s = spec as CpuKernelSpec | WebGpuKernelSpec | CudaSpec | HostedWorkload;
  switch (s.kind) {
    case 'wasm':
      return [['', kernelSource(s.module)], ...(hasNative(s.module) ? [['native', nativeIdentity(s.module)] as [string, string]] : [])];
    case 'blas-sgemm':
      return [['blas', CBLAS_SGEMM_CALL], ['wasm', kernelSource(s.fallback.module)]];
    case 'wgsl':
      return [['', shaderModuleText(s)]];
    case 'cuda':
      return [['', cudaSource(s.source)]];
    case 'cublas-gemm':
      return [['cublas', cublasGemmIdentity(s)], ...(s.fallback ? [['own', cudaSource(s.fallback.source)] as [string, string]] : [])];
    case 'cuda-transfer':
      return [['', transferIdentity(s)]];
    case 'hosted':
      return [['', s.identity]];
  }
}

/** Every parameter set any preset runs, on any backend, in canonical form. */
function parameterSets(probe: AnyProbe): Params[] {
  const grids = [...Object.values(probe.presets), ...Object.values(probe.backendPresets ?? {}).flatMap((byPreset) => PRESET_IDS.map((p) => byPreset![p]))];
  const sets = new Map<string, Params>();
  for (const grid of grids) {
    for (const raw of expandGrid(grid)) {
      const params = probe.normalize ? probe.normalize(raw) : raw;
      sets.set(paramsLabel(params), params);
    }
  }
  return [...sets.values()];
}

/** "<probe>/<params>/<backend>#<context>[/<variant>]" → definition hash, for every kernel the probes describe. */
export function definitionHashes(probes: readonly AnyProbe[] = PROBES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const probe of probes) {
    for (const params of parameterSets(probe)) {
      const variants: Array<[string, unknown]> = [
        ...CPU_CONTEXTS.map((ctx, i): [string, unknown] => [`cpu#${i}`, probe.impl.cpu?.(params, ctx)]),
        ...WEBGPU_CONTEXTS.map((ctx, i): [string, unknown] => [`webgpu#${i}`, probe.impl.webgpu?.(params, ctx)]),
        ...CUDA_CONTEXTS.map((ctx, i): [string, unknown] => [`cuda#${i}`, probe.impl.cuda?.(params, ctx)]),
      ];
      for (const [backend, spec] of variants) {
        for (const [variant, identity] of identitiesOf(spec)) {
          out[`${probe.id}/${paramsLabel(params)}/${backend}${variant ? `/${variant}` : ''}`] = definitionHash(probe, params, identity);
        }
      }
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(definitionHashes(), null, 1)}\n`);
}
