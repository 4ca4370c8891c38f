/**
 * `flopmeter devices`: every backend with its availability (and why not),
 * every device with its identity and limits, every physical device telemetry
 * sees (NVIDIA GPUs through NVML even where CUDA itself is unavailable) with
 * the backends that can run on it, the sensors found (or why missing), and
 * which TensorFlow.js engines the model probes can use.
 */
import type { Argv } from 'yargs';
import { lazyRun, type CommandSpec } from '../context.js';

export const devicesCommand: CommandSpec = {
  command: 'devices',
  describe: 'List backends, devices, their identity, limits and theoretical peaks, and the telemetry sensors of each physical device',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }),
  run: lazyRun(() => import('../actions/devices.js')),
};
