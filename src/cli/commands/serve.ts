/**
 * `flopmeter serve`: the Prometheus exporter. Every option can also be set by
 * an environment variable: FLOPMETER_LISTEN, FLOPMETER_SCHEDULE, ...
 */
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { formatBytes } from '../../core/units.js';
import { PROBES } from '../../../probes/index.js';
import { DEFAULT_PROBE_MAX_BYTES, Exporter } from '../../exporter/server.js';
import { parseSchedule } from '../../exporter/schedule.js';
import { loadWebConfig } from '../../exporter/web-config.js';
import { selectBackends, selectPreset, splitList } from '../select.js';
import { EXIT, type CommandSpec } from '../context.js';
import { withEnv } from '../env.js';

/**
 * 9877: inside the Prometheus exporter range and clear of the GPU exporters'
 * ports (dcgm-exporter 9400, nvidia_gpu_exporter 9835); loopback unless asked.
 */
export const DEFAULT_LISTEN = '127.0.0.1:9877';

/** The options, their kinds for the environment, and their defaults. */
const SPEC: Parameters<typeof withEnv>[1] = {
  listen: { kind: 'string', default: DEFAULT_LISTEN },
  'web-config-file': { kind: 'string' },
  'enable-probe-endpoint': { kind: 'boolean', default: false },
  'probe-timeout': { kind: 'number', default: 120 },
  'probe-max-bytes': { kind: 'string' },
  schedule: { kind: 'string' },
  preset: { kind: 'string', default: 'quick' },
  backend: { kind: 'list' },
  threads: { kind: 'number' },
  seed: { kind: 'number', default: 42 },
  'sample-hz': { kind: 'number' },
};

interface ServeArgs {
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
}

/** "host:port", ":port" (every interface) or "[v6]:port". */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UsageError(`--listen ${text}: expected host:port, e.g. 127.0.0.1:9877, :9877 or [::1]:9877`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const BYTE_SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** "2147483648", "2Gi", "1.5GiB" or "500M" as bytes. */
export function parseBytes(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(k|M|G|T|Ki|Mi|Gi|Ti)?B?$/.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * BYTE_SUFFIX[m[2] ?? '']!) : NaN;
  if (!(bytes > 0)) throw new UsageError(`${flag} ${text}: expected a positive number of bytes, e.g. 2147483648, 2Gi or 500M`);
  return bytes;
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
      .epilogue('Every option can also be set by an environment variable: --probe-timeout by FLOPMETER_PROBE_TIMEOUT, and so on. The command line wins.')
      .example('$0 serve', 'telemetry on 127.0.0.1:9877/metrics')
      .example('$0 serve --listen :9877 --schedule "stream,gemm every 15m"', 'every interface, with probe results every 15 minutes')
      .example('FLOPMETER_ENABLE_PROBE_ENDPOINT=true $0 serve', 'options from the environment'),
  onInterrupt: 'stopping the exporter (a running measurement is abandoned)',
  async run(given: ServeArgs, ctx) {
    const args = withEnv(given, SPEC);
    const { host, port } = parseListen(args.listen);
    const webConfig = args.webConfigFile ? loadWebConfig(args.webConfigFile) : null;
    for (const w of webConfig?.warnings ?? []) ctx.stderr.write(`warning: ${w}\n`);
    if (!(args.probeTimeout > 0)) throw new UsageError(`--probe-timeout ${args.probeTimeout}: must be a positive number of seconds`);
    const exporter = await Exporter.start({
      host,
      port,
      webConfig,
      backends: selectBackends(splitList(args.backend)),
      probes: PROBES,
      probeEndpoint: args.enableProbeEndpoint,
      probeTimeoutSeconds: args.probeTimeout,
      probeMaxBytes: args.probeMaxBytes === undefined ? DEFAULT_PROBE_MAX_BYTES : parseBytes('--probe-max-bytes', args.probeMaxBytes),
      preset: selectPreset(args.preset),
      schedule: args.schedule ? parseSchedule(args.schedule, PROBES.map((p) => p.id)) : [],
      ...(args.threads ? { threads: args.threads } : {}),
      seed: args.seed,
      ...(args.sampleHz ? { gpuSampleHz: args.sampleHz } : {}),
      ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}),
    });
    ctx.stderr.write(`flopmeter exporter on ${exporter.url} (/metrics${args.enableProbeEndpoint ? ', /probe' : ''}); Ctrl-C stops it\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await exporter.stop();
    return EXIT.OK;
  },
};
