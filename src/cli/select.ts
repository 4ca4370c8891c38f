/**
 * Turns the user's --backend and --probe lists into registry entries, or a
 * UsageError that names the bad value and lists the valid ones.
 */
import type { Backend } from '../backends/backend.js';
import { BACKENDS } from '../backends/index.js';
import { UsageError } from '../core/errors.js';
import { PRESET_IDS, type AnyProbe, type PresetId } from '../core/probe.js';
import { PROBES } from '../../probes/index.js';
import { ENGINE_IDS } from '../models/tfjs/engines.js';

/** Splits repeated and comma-separated list options: ["a,b", "c"] → ["a", "b", "c"]. */
export function splitList(values: readonly (string | number)[] | string | undefined): string[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  return list.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * The names a list option gives; refuses one given with no name at all
 * (`-p ""`, `-p ,`), which would otherwise mean "every one". `valid` says
 * what could be named, for the message.
 */
export function givenNames(flag: string, values: readonly (string | number)[] | string | undefined, valid: string): string[] {
  const names = splitList(values);
  if (values !== undefined && names.length === 0) {
    const typed = (Array.isArray(values) ? values : [values]).join(' ');
    throw new UsageError(`${flag} ${JSON.stringify(typed)}: names nothing; leave ${flag} out for every one, or name some (${valid})`);
  }
  return names;
}

function pick<T>(kind: string, flag: string, names: string[], all: readonly T[], idOf: (t: T) => string): T[] {
  const unknown = names.filter((n) => !all.some((t) => idOf(t) === n));
  if (unknown.length) {
    throw new UsageError(`${flag} ${unknown.join(',')}: unknown ${kind}${unknown.length > 1 ? 's' : ''}; valid: ${all.map(idOf).join(', ')}`);
  }
  return all.filter((t) => names.includes(idOf(t)));
}

export function selectBackends(names: string[]): Backend[] {
  return names.length ? pick('backend', '--backend', names, BACKENDS, (b) => b.id) : [...BACKENDS];
}

export function selectProbes(names: string[]): AnyProbe[] {
  return names.length ? pick('probe', '--probe', names, PROBES, (p) => p.id) : [...PROBES];
}

/** Engine ids as given (checked against the engine list); empty means every available one. */
export function selectEngines(names: string[]): string[] {
  return pick('engine', '--engine', names, ENGINE_IDS, (e) => e);
}

export function selectPreset(name: string): PresetId {
  if (!(PRESET_IDS as readonly string[]).includes(name)) throw new UsageError(`--preset ${name}: unknown preset; valid: ${PRESET_IDS.join(', ')}`);
  return name as PresetId;
}
