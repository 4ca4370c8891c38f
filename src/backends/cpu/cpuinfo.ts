/**
 * The processor's own description as Linux gives it: /proc/cpuinfo, parsed
 * into one record per logical CPU. The roots of /proc and /sys are injectable
 * so that tests read fixture trees of real processors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the kernel's description of the host is mounted. */
export interface HostRoots {
  /** procfs, normally "/proc". */
  proc: string;
  /** sysfs, normally "/sys". */
  sys: string;
}

export const HOST_ROOTS: HostRoots = { proc: '/proc', sys: '/sys' };

/** One logical CPU's "key : value" lines, keys as written (e.g. "model name", "CPU part"). */
export type CpuinfoRecord = Record<string, string>;

/** The text of a file under a root, trimmed, or null when it cannot be read. */
export function readText(root: string, ...path: string[]): string | null {
  try {
    return readFileSync(join(root, ...path), 'utf8').trim();
  } catch {
    return null;
  }
}

/** /proc/cpuinfo as records of its "processor" blocks (empty when it cannot be read). */
export function readCpuinfo(roots: HostRoots = HOST_ROOTS): CpuinfoRecord[] {
  const text = readText(roots.proc, 'cpuinfo');
  return text ? parseCpuinfo(text) : [];
}

/** Parses cpuinfo text: blocks separated by blank lines; lines outside a "processor" block (ARM's trailer) join every record. */
export function parseCpuinfo(text: string): CpuinfoRecord[] {
  const records: CpuinfoRecord[] = [];
  const shared: CpuinfoRecord = {};
  for (const block of text.split(/\n\s*\n/)) {
    const fields: CpuinfoRecord = {};
    for (const line of block.split('\n')) {
      const at = line.indexOf(':');
      if (at > 0) fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if ('processor' in fields && /^\d+$/.test(fields.processor!)) records.push(fields);
    else Object.assign(shared, fields);
  }
  return records.map((r) => ({ ...shared, ...r }));
}

/** The ISA feature words ("flags" on x86, "Features" on ARM) of the first CPU. */
export function cpuFeatures(records: readonly CpuinfoRecord[]): string[] {
  const first = records[0];
  return (first?.flags ?? first?.Features ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Physical cores: distinct (physical id, core id) pairs where cpuinfo gives
 * them (SMT siblings share a core's vector units), else one per logical CPU
 * (ARM, which lists no topology there).
 */
export function physicalCores(records: readonly CpuinfoRecord[]): number {
  const withTopology = records.filter((r) => r['core id'] !== undefined);
  if (withTopology.length < records.length || records.length === 0) return records.length;
  return new Set(withTopology.map((r) => `${r['physical id'] ?? 0}/${r['core id']}`)).size;
}
