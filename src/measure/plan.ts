/**
 * The plan of a run: which probes with which parameter sets, from the preset
 * grids and the user's overrides, validated before anything runs.
 */
import { UsageError } from '../core/errors.js';
import { checkParam, expandGrid, paramsLabel, type AnyProbe, type ParamValue, type Params, type PresetId } from '../core/probe.js';

/** A user override: `n=4096` (every selected probe with an `n`) or `gemm.n=1024,2048`. */
export interface ParamOverride {
  probe: string | null;
  key: string;
  values: ParamValue[];
}

/** Parses "[probe.]key=v1,v2" into an override. Numbers accept 2^k and k/M/G (×1000) or Ki/Mi/Gi (×1024) suffixes. */
export function parseOverride(text: string): ParamOverride {
  const m = /^(?:([a-z][a-z0-9-]*)\.)?([A-Za-z][A-Za-z0-9_]*)=(.+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--param "${text}": expected [probe.]name=value[,value...], e.g. gemm.n=1024,2048`);
  const values = m[3]!.split(',').map((v) => parseValue(v.trim()));
  return { probe: m[1] ?? null, key: m[2]!, values };
}

const SUFFIX: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

function parseValue(v: string): ParamValue {
  const pow = /^(\d+)\^(\d+)$/.exec(v);
  if (pow) return Number(pow[1]) ** Number(pow[2]);
  const suffixed = /^(\d+(?:\.\d+)?)(k|M|G|Ki|Mi|Gi)$/.exec(v);
  if (suffixed) return Number(suffixed[1]) * SUFFIX[suffixed[2]!]!;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

export interface PlannedProbe {
  probe: AnyProbe;
  params: Params;
}

/**
 * Parameter sets per probe for a preset, with overrides applied and every
 * value checked. `all` is every probe there is: an override for a probe that
 * exists but is not selected is checked and then has nothing to apply to.
 */
export function planProbes(
  probes: readonly AnyProbe[],
  preset: PresetId,
  overrides: readonly ParamOverride[],
  all: readonly AnyProbe[] = probes,
  backend?: string,
): PlannedProbe[] {
  for (const o of overrides) {
    if (o.probe !== null) {
      const probe = all.find((p) => p.id === o.probe);
      if (!probe) throw new UsageError(`--param ${o.probe}.${o.key}: unknown probe "${o.probe}"; valid: ${all.map((p) => p.id).join(', ')}`);
      if (!Object.hasOwn(probe.params, o.key)) {
        throw new UsageError(`--param ${o.probe}.${o.key}: probe ${o.probe} has no parameter "${o.key}" (it has: ${Object.keys(probe.params).join(', ') || 'none'})`);
      }
    }
    const targets = all.filter((p) => (o.probe === null ? probes.includes(p) : p.id === o.probe) && Object.hasOwn(p.params, o.key));
    if (targets.length === 0) {
      const known = probes.map((p) => `${p.id}: ${Object.keys(p.params).join(', ') || '(none)'}`).join('; ');
      throw new UsageError(`--param ${o.key}: no selected probe has a parameter "${o.key}" (${known})`);
    }
    for (const p of targets) {
      for (const v of o.values) {
        const problem = checkParam(p.params[o.key]!, v);
        if (problem) throw new UsageError(`--param ${p.id}.${o.key}=${v}: ${problem}`);
      }
    }
  }
  return probes.flatMap((probe) => {
    const grid: Record<string, readonly ParamValue[]> = { ...((backend && probe.backendPresets?.[backend]?.[preset]) || probe.presets[preset]) };
    for (const o of overrides) if ((o.probe === null || o.probe === probe.id) && Object.hasOwn(probe.params, o.key)) grid[o.key] = o.values;
    const seen = new Set<string>();
    const firstTime = (params: Params): boolean => {
      const key = paramsLabel(params);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    const onBackend = (params: Params): boolean => backend === undefined || (probe.appliesTo?.(params, backend) ?? true);
    return expandGrid(grid)
      .map((params) => probe.normalize?.(params) ?? params)
      .filter((params) => onBackend(params) && firstTime(params))
      .map((params) => ({ probe, params }));
  });
}
