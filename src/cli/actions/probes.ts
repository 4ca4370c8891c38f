/**
 * What `flopmeter probes` does (its options: ../commands/probes.ts): lists the
 * probes from their definitions, without loading any backend or engine.
 */
import { PROBES } from '../../../probes/index.js';
import { BACKEND_IDS } from '../../backends/backend.js';
import { PRESET_IDS, type AnyProbe } from '../../core/probe.js';
import { EXIT, type CommandContext } from '../context.js';

/** The backends that implement a probe, in the order a run takes them. */
function backendsOf(p: AnyProbe): string[] {
  return BACKEND_IDS.filter((id) => id in p.impl);
}

function describeProbes(): object[] {
  return PROBES.map((p) => ({
    id: p.id,
    description: p.description,
    headline: p.headline,
    latencyHeadline: p.latencyHeadline,
    params: p.params,
    presets: p.presets,
    backends: backendsOf(p),
  }));
}

function render(): string {
  const lines: string[] = [];
  for (const p of PROBES) {
    lines.push(`${p.id}: ${p.description}`);
    lines.push(`  backends: ${backendsOf(p).join(', ') || 'none'}`);
    for (const [name, spec] of Object.entries(p.params)) {
      const range = spec.values ? spec.values.join(' | ') : spec.integer ? `integer ${spec.integer.min}..${spec.integer.max}${spec.integer.multipleOf ? `, multiple of ${spec.integer.multipleOf}` : ''}` : '';
      lines.push(`  ${name}: ${spec.description} (${range})`);
    }
    for (const preset of PRESET_IDS) {
      const grid = Object.entries(p.presets[preset]).map(([k, v]) => `${k}=${(v as unknown[]).join(',')}`).join(' ');
      lines.push(`  ${preset}: ${grid || '(no parameters)'}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The command's work; returns its exit code. */
export async function run(args: { json: boolean }, ctx: CommandContext): Promise<number> {
  ctx.stdout.write(args.json ? `${JSON.stringify(describeProbes(), null, 2)}\n` : `${render()}\n`);
  return EXIT.OK;
}
