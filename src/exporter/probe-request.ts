/**
 * A /probe request's query, checked before anything runs: known parameters
 * only, each single-valued one at most once, no name listed twice, every
 * probe, backend, preset and parameter valid, and every planned result
 * within the host memory --probe-max-bytes allows. Anything else is a 400
 * that says what was wrong, never silently ignored.
 */
import type { Backend } from '../backends/backend.js';
import { UsageError } from '../core/errors.js';
import { PRESET_IDS, paramsLabel, type AnyProbe, type PresetId } from '../core/probe.js';
import { formatBytes } from '../core/units.js';
import { parseOverride, planProbes, type ParamOverride } from '../measure/plan.js';

/** The query parameters /probe knows. */
const KNOWN = ['probe', 'backend', 'device', 'preset', 'param'];

/** What a valid /probe request measures. */
export interface ProbeRequest {
  probes: AnyProbe[];
  backends: Backend[];
  devices: string[];
  preset: PresetId;
  overrides: ParamOverride[];
}

export interface ProbeLimits {
  probes: readonly AnyProbe[];
  backends: readonly Backend[];
  /** The preset when the query names none. */
  preset: PresetId;
  /** Largest host memory one result may need (its probe's memoryBytes), bytes. */
  maxBytes: number;
}

/** A list parameter: every occurrence, split at commas; a name given twice is an error. */
function list(query: URLSearchParams, name: string): string[] {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const twice = values.filter((v, i) => values.indexOf(v) !== i);
  if (twice.length) throw new UsageError(`${name}=${twice[0]} is given more than once`);
  return values;
}

function checkKeys(query: URLSearchParams): void {
  const keys = [...query.keys()];
  const unknown = [...new Set(keys.filter((k) => !KNOWN.includes(k)))];
  if (unknown.length) throw new UsageError(`unknown query parameter ${unknown.join(', ')}; valid: ${KNOWN.join(', ')}`);
  if (query.getAll('preset').length > 1) throw new UsageError(`preset is given more than once (${query.getAll('preset').join(', ')}); give one`);
}

function overridesOf(query: URLSearchParams): ParamOverride[] {
  const overrides = query.getAll('param').map(parseOverride);
  const names = overrides.map((o) => (o.probe === null ? o.key : `${o.probe}.${o.key}`));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`param ${twice} is given more than once; give its values in one, e.g. param=${twice}%3D1024,2048`);
  return overrides;
}

/** Refuses a plan with a result whose host memory is over the limit. */
function checkSize(req: ProbeRequest, all: readonly AnyProbe[], maxBytes: number): void {
  for (const backend of req.backends) {
    for (const { probe, params } of planProbes(req.probes, req.preset, req.overrides, all, backend.id)) {
      if (!(backend.id in probe.impl)) continue;
      const need = probe.memoryBytes(params);
      if (need > maxBytes) {
        throw new UsageError(`${probe.id} ${paramsLabel(params, ' ')} needs ${formatBytes(need)} of host memory, over the exporter's --probe-max-bytes ${formatBytes(maxBytes)}`);
      }
    }
  }
}

/** Reads and checks a /probe query; throws a UsageError (a 400) naming what is wrong and what is valid. */
export function parseProbeRequest(query: URLSearchParams, limits: ProbeLimits): ProbeRequest {
  checkKeys(query);
  const names = list(query, 'probe');
  const validProbes = limits.probes.map((p) => p.id);
  if (names.length === 0) throw new UsageError(`probe=... is required; valid: ${validProbes.join(', ')}`);
  const badProbe = names.filter((n) => !validProbes.includes(n));
  if (badProbe.length) throw new UsageError(`unknown probe ${badProbe.join(', ')}; valid: ${validProbes.join(', ')}`);
  const backendNames = list(query, 'backend');
  const validBackends = limits.backends.map((b) => b.id as string);
  const badBackend = backendNames.filter((n) => !validBackends.includes(n));
  if (badBackend.length) throw new UsageError(`unknown backend ${badBackend.join(', ')}; valid: ${validBackends.join(', ')}`);
  const preset = (query.get('preset') ?? limits.preset) as PresetId;
  if (!PRESET_IDS.includes(preset)) throw new UsageError(`unknown preset ${preset}; valid: ${PRESET_IDS.join(', ')}`);
  const req: ProbeRequest = {
    probes: names.map((n) => limits.probes.find((p) => p.id === n)!),
    backends: backendNames.length ? limits.backends.filter((b) => backendNames.includes(b.id)) : [...limits.backends],
    devices: list(query, 'device'),
    preset,
    overrides: overridesOf(query),
  };
  checkSize(req, limits.probes, limits.maxBytes);
  return req;
}
