/**
 * Shared pieces of the benchmark scripts: running flopmeter on one device with
 * a fixed number of windows, PyTorch references on NVIDIA hosts, and the
 * table of goals every benchmark prints.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Backend } from '../src/backends/backend.js';
import { packageRoot } from '../src/core/paths.js';
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

export function printGoals(goals: readonly Goal[]): void {
  console.log('\ngoal                                                        ratio     target        met   detail');
  for (const g of goals) {
    const ratio = g.ratio === null ? '—' : g.ratio.toFixed(4);
    console.log(`${g.name.padEnd(59)} ${ratio.padStart(7)}   ${g.target.padEnd(12)}  ${g.met === null ? '—  ' : g.met ? 'yes' : 'NO '}   ${g.detail}`);
  }
}
