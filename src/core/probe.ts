/**
 * The probe definition API (DESIGN.md §3). A probe is one standard workload:
 * its parameters, the work one iteration does (the single source of counted
 * units), seeded inputs, a float64 reference, a tolerance, and one kernel
 * description per backend that can run it.
 */
import type { Work, WorkKind } from './units.js';
import type { CpuKernelSpec, CpuBuildContext, CudaBuildContext, CudaSpec, WebGpuBuildContext, WebGpuKernelSpec } from './kernel.js';
import type { HostedWorkload } from './workload.js';

/** A parameter value: a number or one of a fixed set of names. */
export type ParamValue = number | string;
/** One parameter set. */
export type Params = Record<string, ParamValue>;

/** How one parameter may be set. */
export interface ParamSpec {
  description: string;
  /** The allowed values, when the parameter is a choice. */
  values?: readonly ParamValue[];
  /** Bounds for an integer parameter (inclusive), and a step it must be a multiple of. */
  integer?: { min: number; max: number; multipleOf?: number };
  /**
   * True for a parameter that says how the workload runs, not what it computes
   * (a model probe's engine): left out of the definition hash, so results that
   * differ only in it stay comparable.
   */
  execution?: boolean;
}

/** Presets that decide both sizes and measurement timing. */
export type PresetId = 'quick' | 'standard' | 'full';
export const PRESET_IDS: readonly PresetId[] = ['quick', 'standard', 'full'];

/** For each parameter, the values a preset runs; the plan is their cross product. */
export type ParamGrid<P extends Params> = { [K in keyof P]: readonly P[K][] };

/** Input arrays by name, as the probe's `inputs` creates them. */
export type Inputs = Record<string, Float32Array | Float64Array>;

/**
 * The expected output. `values[i]` is the float64 reference for output
 * element `indices[i]` (or element i when there are no indices: a full check).
 */
export interface Reference {
  values: Float64Array;
  indices?: Uint32Array;
  /**
   * Per-value error scale: the check is max_i |out_i − ref_i| / scale_i. Without
   * it the scale is max_i |ref_i| (a normwise relative error).
   */
  scale?: Float64Array;
}

/** A backend's verdict on a parameter set it cannot run. */
export interface Unsupported {
  unsupported: string;
}

/** Per-backend implementations: a kernel description the backend interprets, or work it hosts (a model probe's framework). */
export interface ProbeImpls<P extends Params> {
  cpu?: (params: P, ctx: CpuBuildContext) => CpuKernelSpec | HostedWorkload | Unsupported;
  webgpu?: (params: P, ctx: WebGpuBuildContext) => WebGpuKernelSpec | HostedWorkload | Unsupported;
  cuda?: (params: P, ctx: CudaBuildContext) => CudaSpec | HostedWorkload | Unsupported;
}

/**
 * What a probe computes, counts and checks, declared as versioned text: hashed
 * (with the probe id, the parameters, the counted work, the tolerance and the
 * kernel source) into every result's definition hash. Declared, never taken
 * from compiled code, so every build of flopmeter gives the same hash.
 */
export interface WorkloadDeclaration {
  /** A positive integer, raised whenever what the probe computes, counts or checks changes. */
  version: number;
  /** The work formula of `work()`, e.g. "flop = 2·n³; items = n²; bytes = 3·b·n² (b: bytes per element)". */
  work: string;
  /** How `reference()` computes the expected output and what the check compares. */
  reference: string;
}

export interface ProbeDefinition<P extends Params = Params> {
  /** Stable identifier, used on the command line and in reports. */
  id: string;
  /**
   * The URL of the module whose default export is this probe (its
   * `import.meta.url`): lets a worker thread compute its inputs and reference,
   * off the thread that serves the exporter and handles signals. Without it
   * they are computed on the calling thread.
   */
  source?: string;
  /** The declared, versioned workload definition (see WorkloadDeclaration). */
  definition: WorkloadDeclaration;
  /** One sentence: what the probe measures and how work is counted. */
  description: string;
  /** Which counted unit is the headline throughput. */
  headline: WorkKind;
  /** Which latency percentile is the headline for this workload. */
  latencyHeadline: 'p50' | 'p90' | 'p99';
  params: { [K in keyof P]: ParamSpec };
  /** Parameter grids per preset. */
  presets: Record<PresetId, ParamGrid<P>>;
  /**
   * Grids that replace `presets` on a backend whose devices need other sizes or
   * element types (e.g. float32 STREAM on WebGPU, which has no float64).
   */
  backendPresets?: Partial<Record<string, Record<PresetId, ParamGrid<P>>>>;
  /** The canonical form of a parameter set (e.g. a batch that a scenario fixes); the plan drops duplicates it makes. */
  normalize?(params: P): P;
  /**
   * Why a parameter set cannot run on this machine whatever the device (a model
   * probe's engine that is not installed), or null. A default run leaves such
   * sets out with a note; a run that names the probe reports them as skipped.
   */
  unavailable?(params: P): string | null;
  /** Whether a parameter set belongs on a backend at all (a model probe's engine runs on one backend); default: yes. */
  appliesTo?(params: P, backend: string): boolean;
  /** Work one iteration does. The only place units of work are counted. */
  work(params: P): Work;
  /** Host bytes the inputs, outputs and reference need; checked before allocating. */
  memoryBytes(params: P): number;
  /** Seeded inputs: never zeros, never constants. */
  inputs(seed: number, params: P): Inputs;
  /** The float64 reference for the output (full, or at chosen indices); model probes compute it on their reference engine. */
  reference(inputs: Inputs, params: P): Reference | Promise<Reference>;
  /** Largest allowed relative error: max|out − ref| / scale (see Reference.scale). */
  tolerance(params: P): number;
  impl: ProbeImpls<P>;
}

/** A probe of any parameter type, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProbe = ProbeDefinition<any>;

/**
 * Defines a probe. Checks the definition's own consistency at load time, so
 * a mistake in a probe file fails every test rather than one run.
 */
export function defineProbe<P extends Params>(def: ProbeDefinition<P>): ProbeDefinition<P> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.id)) throw new Error(`probe id "${def.id}" must be lower-case kebab-case`);
  const { version, work, reference } = def.definition;
  if (!Number.isInteger(version) || version < 1) throw new Error(`probe ${def.id}: definition version must be a positive integer`);
  if (!work.trim() || !reference.trim()) throw new Error(`probe ${def.id}: the definition must declare its work formula and reference`);
  const grids: Array<[string, ParamGrid<P>]> = [
    ...(Object.entries(def.presets) as Array<[string, ParamGrid<P>]>),
    ...Object.entries(def.backendPresets ?? {}).flatMap(([backend, presets]) =>
      Object.entries(presets ?? {}).map(([preset, grid]) => [`${backend}/${preset}`, grid] as [string, ParamGrid<P>]),
    ),
  ];
  for (const [preset, grid] of grids) {
    for (const key of Object.keys(def.params)) {
      const values = (grid as Record<string, readonly ParamValue[] | undefined>)[key];
      if (!values || values.length === 0) throw new Error(`probe ${def.id}: preset ${preset} gives no values for "${key}"`);
      for (const v of values) {
        const problem = checkParam(def.params[key as keyof P], v);
        if (problem) throw new Error(`probe ${def.id}: preset ${preset}: ${key}=${v}: ${problem}`);
      }
    }
  }
  return def;
}

/** Why a value is not allowed for a parameter, or null when it is. */
export function checkParam(spec: ParamSpec, value: ParamValue): string | null {
  if (spec.values && !spec.values.includes(value)) return `must be one of ${spec.values.join(', ')}`;
  if (spec.integer) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
    const { min, max, multipleOf } = spec.integer;
    if (value < min || value > max) return `must be between ${min} and ${max}`;
    if (multipleOf && value % multipleOf !== 0) return `must be a multiple of ${multipleOf}`;
  }
  return null;
}

/** The cross product of a parameter grid, in a stable order (first key varies slowest). */
export function expandGrid<P extends Params>(grid: ParamGrid<P>): P[] {
  let sets: Params[] = [{}];
  for (const [key, values] of Object.entries(grid) as [string, readonly ParamValue[]][]) {
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [key]: v })));
  }
  return sets as P[];
}

/** A canonical "k=v,k=v" label for a parameter set, keys in definition order ("k=v k=v" with separator ' ', for display). */
export function paramsLabel(params: Params, separator = ','): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(separator);
}

/** The headline amount of work per iteration, or throws if the probe forgot to count it. */
export function headlineWork(probe: AnyProbe, params: Params): number {
  const work = probe.work(params);
  const amount = work[probe.headline];
  if (amount === undefined || !(amount > 0)) throw new Error(`probe ${probe.id}: work() gives no ${probe.headline}`);
  return amount;
}

export function isUnsupported(x: unknown): x is Unsupported {
  return typeof x === 'object' && x !== null && 'unsupported' in x;
}
