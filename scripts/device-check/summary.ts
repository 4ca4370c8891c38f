/**
 * The one-screen summary of `npm run device:check`: the GPU it ran on, each
 * step's status, the benchmarks' goal ratios, and what failed.
 */
import type { StepOutcome } from './run-step.js';

interface GoalLike {
  name: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  detail: string;
}

interface TelemetryDevice {
  name: string;
  vendor: string;
  identity?: { driverVersion?: string; architecture?: string; powerLimitWatts?: number };
}

/** One line per GPU that NVML (or another GPU sensor) saw: name, architecture, driver, power limit. */
function gpuLines(bundle: Record<string, unknown>): string[] {
  const devices = (bundle.devices as { telemetryDevices?: TelemetryDevice[] } | undefined)?.telemetryDevices ?? [];
  const gpus = devices.filter((d) => d.vendor !== 'cpu');
  if (!gpus.length) return ['no GPU telemetry device found'];
  return gpus.map((d) => {
    const i = d.identity ?? {};
    return `${d.name}${i.architecture ? ` (${i.architecture})` : ''}${i.driverVersion ? `, driver ${i.driverVersion}` : ''}${i.powerLimitWatts ? `, power limit ${i.powerLimitWatts} W` : ''}`;
  });
}

/** Every goal the benchmarks printed, with the benchmark's name. */
export function goalsOf(bundle: Record<string, unknown>): Array<GoalLike & { bench: string }> {
  const bench = (bundle.bench ?? {}) as Record<string, { goals?: GoalLike[] }>;
  return Object.entries(bench).flatMap(([name, figures]) => (figures.goals ?? []).map((g) => ({ ...g, bench: name })));
}

/** The steps that did not pass (skipped ones count: the check did not do what it should). */
export function failedSteps(outcomes: readonly StepOutcome[]): StepOutcome[] {
  return outcomes.filter((o) => o.status !== 'passed');
}

export function formatSummary(outcomes: readonly StepOutcome[], bundle: Record<string, unknown>, o: { rehearse: boolean; seconds: number; files: string[] }): string {
  const lines = [`flopmeter device:check${o.rehearse ? ' (rehearsal on the emulated GPU stack)' : ''} — ${o.seconds.toFixed(0)} s`, ...gpuLines(bundle).map((l) => `  ${l}`), ''];
  lines.push('step          status     time   detail');
  for (const s of outcomes) lines.push(`${s.id.padEnd(13)} ${s.status.padEnd(10)} ${`${s.seconds.toFixed(0)} s`.padStart(5)}  ${s.detail}`);
  const goals = goalsOf(bundle);
  if (goals.length) {
    lines.push('', 'goal                                                      ratio   target   met');
    for (const g of goals) {
      const ratio = g.ratio === null ? '—' : g.ratio.toFixed(3);
      lines.push(`${g.name.slice(0, 56).padEnd(56)} ${ratio.padStart(7)}   ${g.target.padEnd(7)}  ${g.met === null ? '—' : g.met ? 'yes' : 'NO'}`);
    }
  }
  lines.push('', `files: ${o.files.join(', ')}`);
  const failed = failedSteps(outcomes);
  lines.push(failed.length ? `FAILED: ${failed.map((f) => `${f.id} (${f.status}${f.status === 'failed' ? `: ${f.detail}` : ''})`).join('; ')}` : 'every step passed');
  return `${lines.join('\n')}\n`;
}
