/**
 * Dawn in Node.js (the `webgpu` package): loading it, finding every adapter,
 * and describing each as a device. Dawn offers no enumeration call; its
 * documented way is to ask for an adapter by a name that does not exist and
 * read the list of available adapters from the error.
 */
import { describeError, UnavailableError } from '../../core/errors.js';
import type { DeviceInfo } from '../backend.js';

/** The module's two exports: GPU instances and the WebGPU constants (GPUBufferUsage, ...). */
export interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let loaded: Promise<DawnModule> | undefined;

/** Loads Dawn (once); throws an UnavailableError saying why when it cannot. */
export function loadDawn(): Promise<DawnModule> {
  loaded ??= import('webgpu').then(
    (m) => m as unknown as DawnModule,
    (err: unknown) => {
      throw new UnavailableError(`the webgpu package (Dawn) cannot be loaded: ${describeError(err).split('\n')[0]}`);
    },
  );
  return loaded;
}

/**
 * Toggles for every GPU instance: exact timestamps (Dawn quantises them to
 * ~65 µs by default, as browsers must against timing attacks; a meter needs them).
 */
export const DAWN_TOGGLES = ['disable-dawn-features=timestamp_quantization'];

/** An adapter as Dawn lists it. */
export interface AdapterRef {
  backend: string;
  name: string;
}

/** Every adapter Dawn can open, in its own order. */
export async function listAdapters(dawn: DawnModule): Promise<AdapterRef[]> {
  const probe = dawn.create([...DAWN_TOGGLES, 'adapter=\u0001flopmeter-no-such-adapter']);
  try {
    const adapter = await probe.requestAdapter();
    // A Dawn that ignores the name hands back its default adapter.
    return adapter ? [{ backend: 'default', name: adapter.info.description || adapter.info.device }] : [];
  } catch (err) {
    return parseAdapterList(describeError(err));
  }
}

/** Parses Dawn's "Available adapters:\n * backend: 'vulkan', name: 'llvmpipe ...'" list. */
export function parseAdapterList(message: string): AdapterRef[] {
  const out: AdapterRef[] = [];
  for (const m of message.matchAll(/\*\s*backend:\s*'([^']*)',\s*name:\s*'([^']*)'/g)) out.push({ backend: m[1]!, name: m[2]! });
  return out;
}

/** A GPU instance bound to one adapter. */
export function gpuFor(dawn: DawnModule, ref: AdapterRef): GPU {
  const options = [...DAWN_TOGGLES];
  if (ref.backend !== 'default') options.push(`backend=${ref.backend}`, `adapter=${ref.name}`);
  return dawn.create(options);
}

/** The limits a probe may need, asked for at the adapter's own values rather than the spec's defaults. */
export const REQUESTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Features flopmeter asks for when the adapter has them. */
export const WANTED_FEATURES = ['timestamp-query', 'shader-f16'] as const;

export function describeAdapter(index: number, ref: AdapterRef, adapter: GPUAdapter): DeviceInfo {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) limits[name] = Number(adapter.limits[name]);
  const software = info.isFallbackAdapter || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(ref.name);
  return {
    id: `webgpu${index}`,
    backend: 'webgpu',
    // Dawn's adapter name is the product ("NVIDIA H100 80GB HBM3"); its description is often the driver.
    name: ref.backend === 'default' ? info.description || ref.name : ref.name,
    vendor: info.vendor || null,
    kind: software ? 'other' : 'gpu',
    identity: {
      adapterName: ref.name,
      dawnBackend: ref.backend,
      vendor: info.vendor || null,
      architecture: info.architecture || null,
      device: info.device || null,
      description: info.description || null,
      isFallbackAdapter: info.isFallbackAdapter,
      software,
      subgroupMinSize: (info as GPUAdapterInfo & { subgroupMinSize?: number }).subgroupMinSize ?? null,
      subgroupMaxSize: (info as GPUAdapterInfo & { subgroupMaxSize?: number }).subgroupMaxSize ?? null,
      features: [...adapter.features].sort().join(' '),
    },
    settings: {},
    limits,
  };
}
