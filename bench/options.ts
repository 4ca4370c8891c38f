/**
 * The options every GPU benchmark takes (commonUsage), parsed in one place
 * with each benchmark's own (bench/args.ts: --help, clear errors).
 */
import type { ParseArgsConfig } from 'node:util';
import { PRESET_IDS, type PresetId } from '../src/core/probe.js';
import { badOption, benchArgs, wholeNumber } from './args.js';

/** The common options' usage, with the benchmark's default number of rounds. */
const commonUsage = (rounds: number): string => `  --rounds N      alternating rounds of flopmeter and its reference, medians compared (default ${rounds})
  --out FILE      also write the figures as JSON
  --preset ID     the preset of the throughput measurements (default standard; \`npm run device:check\` uses quick
                  to fit its time budget)
  --gpu-only      leave out CPU engines and software adapters (a GPU host's check)
  --rehearse      run the GPU-only comparisons on whatever device is here (a software adapter, the emulated CUDA
                  stack of tests/fixtures) at small sizes, so every path but the hardware runs before device time is
                  spent
  --help          this text`;

export interface BenchOptions {
  rounds: number;
  out: string | undefined;
  preset: PresetId;
  gpuOnly: boolean;
  rehearse: boolean;
}

type Extra = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses the common options and the benchmark's own (`extra`, all strings); `about` is the benchmark's usage line and
 * its own options, which --help prints above the common ones; exits 2 on a bad value.
 */
export function benchOptions(about: string, extra: Extra = {}, defaultRounds = 3): { options: BenchOptions; values: Record<string, string | undefined> } {
  const usage = `${about}\n${commonUsage(defaultRounds)}`;
  const values = benchArgs(usage, {
    rounds: { type: 'string' },
    out: { type: 'string' },
    preset: { type: 'string' },
    'gpu-only': { type: 'boolean' },
    rehearse: { type: 'boolean' },
    ...extra,
  }) as Record<string, string | boolean | undefined>;
  const rounds = wholeNumber('rounds', values.rounds as string | undefined, defaultRounds, usage);
  const preset = (values.preset ?? 'standard') as PresetId;
  if (!PRESET_IDS.includes(preset)) badOption(`--preset ${preset}: one of ${PRESET_IDS.join(', ')}`, usage);
  const options = { rounds, out: values.out as string | undefined, preset, gpuOnly: Boolean(values['gpu-only']), rehearse: Boolean(values.rehearse) };
  return { options, values: values as Record<string, string | undefined> };
}
