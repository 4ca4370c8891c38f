/**
 * `flopmeter serve`: the Prometheus exporter. Every option can also be set by
 * an environment variable: FLOPMETER_LISTEN, FLOPMETER_SCHEDULE, ...
 */
import type { Argv } from 'yargs';
import { formatBytes } from '../../core/units.js';
import { DEFAULT_PROBE_MAX_BYTES } from '../../exporter/defaults.js';
import { PROCESS_GRACE_SECONDS } from '../../telemetry/process-ledger.js';
import { lazyRun, type CommandSpec } from '../context.js';

/**
 * 9877: inside the Prometheus exporter range and clear of the GPU exporters'
 * ports (dcgm-exporter 9400, nvidia_gpu_exporter 9835); loopback unless asked.
 */
export const DEFAULT_LISTEN = '127.0.0.1:9877';

export interface ServeArgs {
  listen: string;
  webConfigFile?: string;
  enableProbeEndpoint: boolean;
  probeTimeout: number;
  probeMaxBytes?: string;
  schedule?: string;
  preset: string;
  backend?: string[];
  threads?: number;
  seed: number;
  sampleHz?: number;
  processGrace: number;
}

export const serveCommand: CommandSpec = {
  command: 'serve',
  describe: 'Run the Prometheus exporter: device telemetry and probe results at /metrics, measurements on demand at /probe',
  builder: (y: Argv) =>
    y
      .option('listen', { type: 'string', describe: `Address to listen on, host:port (":9877" for every interface) [default: ${DEFAULT_LISTEN}]` })
      .option('web-config-file', { type: 'string', describe: 'TLS and basic-auth configuration, in the Prometheus exporter-toolkit format' })
      .option('enable-probe-endpoint', { type: 'boolean', describe: 'Serve /probe?probe=...&backend=...&preset=... (measures on demand, one at a time) [default: false]' })
      .option('probe-timeout', { type: 'number', describe: 'Longest one measurement (/probe or scheduled) may run, seconds [default: 120]' })
      .option('probe-max-bytes', {
        type: 'string',
        describe: `Largest host memory one /probe result may need (inputs, outputs, reference); larger sizes get 400. Bytes, or with k/M/G or Ki/Mi/Gi [default: ${formatBytes(DEFAULT_PROBE_MAX_BYTES).replace(' ', '')}]`,
      })
      .option('schedule', { type: 'string', describe: 'Measure in the background, e.g. "stream,gemm every 15m; reduce every 1h"' })
      .option('preset', { type: 'string', describe: 'Preset of scheduled measurements, and of /probe requests that name none [default: quick]' })
      .option('backend', { alias: 'b', type: 'string', array: true, describe: 'Backends to measure on [default: every available one]' })
      .option('threads', { type: 'number', describe: 'CPU worker threads for measurements' })
      .option('seed', { type: 'number', describe: 'Seed of the probes’ inputs [default: 42]' })
      .option('sample-hz', { type: 'number', describe: 'Sampling rate of GPU sensors, Hz [default: 20 for NVML]' })
      .option('process-grace', { type: 'number', describe: `How long an ended process keeps its energy series (flopmeter_process_*), seconds [default: ${PROCESS_GRACE_SECONDS}]` })
      .epilogue('Every option can also be set by an environment variable: --probe-timeout by FLOPMETER_PROBE_TIMEOUT, and so on. The command line wins. A device’s health changes (a read failing, a GPU lost, a recovery) are logged on stderr, one line each.')
      .example('$0 serve', 'telemetry on 127.0.0.1:9877/metrics')
      .example('$0 serve --listen :9877 --schedule "stream,gemm every 15m"', 'every interface, with probe results every 15 minutes')
      .example('FLOPMETER_ENABLE_PROBE_ENDPOINT=true $0 serve', 'options from the environment'),
  onInterrupt: 'stopping the exporter (a running measurement is abandoned)',
  run: lazyRun(() => import('../actions/serve.js')),
};
