/**
 * The options every GPU benchmark takes, parsed in one place:
 *   --rounds N      alternating rounds of flopmeter and its reference (medians are compared)
 *   --out FILE      also write the figures as JSON
 *   --preset ID     the preset of the throughput measurements (default standard;
 *                   `npm run device:check` uses quick to fit its time budget)
 *   --gpu-only      leave out CPU engines and software adapters (a GPU host's check)
 *   --rehearse      run the GPU-only comparisons on whatever device is here (a
 *                   software adapter, the emulated CUDA stack of tests/fixtures)
 *                   at small sizes, so every path but the hardware runs before
 *                   device time is spent
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRESET_IDS, type PresetId } from '../src/core/probe.js';

export interface BenchOptions {
  rounds: number;
  out: string | undefined;
  preset: PresetId;
  gpuOnly: boolean;
  rehearse: boolean;
}

type Extra = NonNullable<ParseArgsConfig['options']>;

/** Parses the common options and the benchmark's own (`extra`, all strings); exits 2 on a bad value. */
export function benchOptions(extra: Extra = {}, defaultRounds = 3): { options: BenchOptions; values: Record<string, string | undefined> } {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      out: { type: 'string' },
      preset: { type: 'string' },
      'gpu-only': { type: 'boolean' },
      rehearse: { type: 'boolean' },
      ...extra,
    },
  });
  const rounds = Number(values.rounds ?? defaultRounds);
  const preset = (values.preset ?? 'standard') as PresetId;
  const bad = !Number.isInteger(rounds) || rounds < 1 ? `--rounds ${values.rounds}: give a whole number ≥ 1` : !PRESET_IDS.includes(preset) ? `--preset ${preset}: one of ${PRESET_IDS.join(', ')}` : null;
  if (bad) {
    console.error(bad);
    process.exit(2);
  }
  const options = { rounds, out: values.out as string | undefined, preset, gpuOnly: Boolean(values['gpu-only']), rehearse: Boolean(values.rehearse) };
  return { options, values: values as Record<string, string | undefined> };
}
