/**
 * `flopmeter probes`: the standard probes, their parameters, preset sizes and
 * the backends that implement them.
 */
import type { Argv } from 'yargs';
import { PROBES } from '../../../probes/index.js';
import { BACKENDS } from '../../backends/index.js';
import { PRESET_IDS } from '../../core/probe.js';
import { EXIT, type CommandSpec } from '../context.js';

function describeProbes(): object[] {
  return PROBES.map((p) => ({
    id: p.id,
    description: p.description,
    headline: p.headline,
    latencyHeadline: p.latencyHeadline,
    params: p.params,
    presets: p.presets,
    backends: BACKENDS.filter((b) => b.id in p.impl).map((b) => b.id),
  }));
}

function render(): string {
  const lines: string[] = [];
  for (const p of PROBES) {
    lines.push(`${p.id}: ${p.description}`);
    lines.push(`  backends: ${BACKENDS.filter((b) => b.id in p.impl).map((b) => b.id).join(', ') || 'none'}`);
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

export const probesCommand: CommandSpec = {
  command: 'probes',
  describe: 'List the standard probes with their parameters and preset sizes',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }),
  async run(args: { json: boolean }, ctx) {
    ctx.stdout.write(args.json ? `${JSON.stringify(describeProbes(), null, 2)}\n` : `${render()}\n`);
    return EXIT.OK;
  },
};
