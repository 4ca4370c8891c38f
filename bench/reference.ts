/**
 * Shared pieces of the benchmark scripts: running flopmeter on one device with
 * a fixed number of windows, PyTorch references on NVIDIA hosts, and the
 * table of goals every benchmark prints.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Backend } from '../src/backends/backend.js';
import { packageRoot } from '../src/core/paths.js';
import { formatSI } from '../src/core/units.js';
import { percentile } from '../src/measure/stats.js';
import type { PresetId } from '../src/core/probe.js';
import { parseOverride } from '../src/measure/plan.js';
import type { Result } from '../src/measure/result.js';
import { runSuite } from '../src/measure/suite.js';
import { findProbe } from '../probes/index.js';

/** Measuring windows per flopmeter result in benchmarks: the standard preset's 5. */
export const BENCH_WINDOWS = 5;

export interface FlopmeterOptions {
  backend: Backend;
  device?: string;
  probe: string;
  params: string[];
  telemetry?: boolean;
  threads?: number;
  preset?: PresetId;
}

/** One completed result, or an exception saying why not. */
export async function measureWith(o: FlopmeterOptions): Promise<{ result: Result; samplerBusyRatio: number | null }> {
  const outcome = await runSuite({
    backends: [o.backend],
    explicitBackends: true,
    ...(o.device ? { devices: [o.device] } : {}),
    probes: [findProbe(o.probe)!],
    preset: o.preset ?? 'standard',
    overrides: o.params.map(parseOverride),
    ...(o.threads ? { threads: o.threads } : {}),
    seed: 42,
    fixedWindows: BENCH_WINDOWS,
    telemetry: o.telemetry ?? true,
    signal: new AbortController().signal,
  });
  const result = outcome.results[0]!;
  if (result.status !== 'completed') throw new Error(`${result.id}: ${result.status}: ${result.reason}`);
  const busy = outcome.samplerStats.reduce((s, x) => s + x.busySeconds, 0);
  const elapsed = Math.max(0, ...outcome.samplerStats.map((x) => x.elapsedSeconds));
  return { result, samplerBusyRatio: elapsed > 0 ? busy / elapsed : null };
}

/** A PyTorch reference figure (bench/py/reference.py), or null with the reason when PyTorch/CUDA is not here. */
export function torchReference(args: string[]): Record<string, number | string> | { error: string } {
  try {
    const out = execFileSync('python3', [join(packageRoot(), 'bench', 'py', 'reference.py'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
  } catch (err) {
    return { error: (err as { stderr?: string }).stderr?.trim().split('\n').pop() ?? String(err) };
  }
}

export interface Goal {
  name: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  detail: string;
}

/** A reference figure with a label (e.g. the PyTorch version), or why there is none. */
export type Reference = { value: number; label?: string } | { error: string };

/** One field of a PyTorch reference (bench/py/reference.py) as a Reference. */
export function torchFigure(args: string[], field: string): Reference {
  const ref = torchReference(args);
  if ('error' in ref) return { error: String(ref.error) };
  return { value: Number(ref[field]), label: `PyTorch ${ref.torch}, CUDA ${ref.cuda}` };
}

/** One side-by-side figure: flopmeter's measurement and a reference, alternated over rounds. */
export interface Pairing {
  /** The goal's name, e.g. "stream triad vs PyTorch device-to-device copy". */
  name: string;
  /** The ratio (ours / theirs) the goal asks for at least. */
  target: number;
  /** Unit of both figures, e.g. "B/s". */
  unit: string;
  /** One flopmeter measurement: its value in `unit`, and a label (the engine) for the detail. */
  ours(): Promise<{ value: number; label?: string }>;
  /** One reference figure in `unit`, or why there is none (then no more are asked for). */
  theirs(): Reference | Promise<Reference>;
}

/**
 * Alternates flopmeter and the reference for `rounds` rounds and compares the
 * medians. flopmeter is measured even where the reference is missing, so its
 * path runs (and its figure is printed) on hosts without PyTorch.
 */
export async function alternateRounds(rounds: number, p: Pairing): Promise<Goal> {
  const ours: number[] = [];
  const theirs: number[] = [];
  let missing: string | null = null;
  let label = '';
  let refLabel = '';
  for (let r = 0; r < rounds; r++) {
    if (missing === null) {
      const ref = await p.theirs();
      if ('error' in ref) missing = ref.error;
      else [theirs[r], refLabel] = [ref.value, ref.label ?? ''];
    }
    const m = await p.ours();
    [ours[r], label] = [m.value, m.label ?? ''];
    console.error(`  ${p.name}, round ${r + 1}: flopmeter ${formatSI(m.value, p.unit)}${theirs[r] === undefined ? '' : `, reference ${formatSI(theirs[r]!, p.unit)}`}`);
  }
  const med = (xs: number[]): number => percentile(xs, 50);
  const prefix = label ? `${label}: ` : '';
  if (missing !== null || theirs.length === 0) {
    return { name: p.name, ratio: null, target: `≥ ${p.target}`, met: null, detail: `${prefix}${formatSI(med(ours), p.unit)}; no reference: ${missing}` };
  }
  const ratio = med(ours) / med(theirs);
  const detail = `${prefix}${formatSI(med(ours), p.unit)} vs ${formatSI(med(theirs), p.unit)}${refLabel ? ` (${refLabel})` : ''}`;
  return { name: p.name, ratio, target: `≥ ${p.target}`, met: ratio >= p.target, detail };
}

export function printGoals(goals: readonly Goal[]): void {
  console.log('\ngoal                                                        ratio     target        met   detail');
  for (const g of goals) {
    const ratio = g.ratio === null ? '—' : g.ratio.toFixed(4);
    console.log(`${g.name.padEnd(59)} ${ratio.padStart(7)}   ${g.target.padEnd(12)}  ${g.met === null ? '—  ' : g.met ? 'yes' : 'NO '}   ${g.detail}`);
  }
}
