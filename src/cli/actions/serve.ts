/**
 * What `flopmeter serve` does (its options: ../commands/serve.ts): reads the
 * options (the command line over the environment), starts the exporter and
 * serves until the user stops it.
 */
import { UsageError } from '../../core/errors.js';
import { PROBES } from '../../../probes/index.js';
import { DEFAULT_PROBE_MAX_BYTES } from '../../exporter/defaults.js';
import { Exporter } from '../../exporter/server.js';
import { PROCESS_GRACE_SECONDS } from '../../telemetry/process-ledger.js';
import { parseSchedule } from '../../exporter/schedule.js';
import { loadWebConfig } from '../../exporter/web-config.js';
import { selectBackends, selectPreset, splitList } from '../select.js';
import { EXIT, type CommandContext } from '../context.js';
import { withEnv } from '../env.js';
import { DEFAULT_LISTEN, type ServeArgs } from '../commands/serve.js';

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
  'process-grace': { kind: 'number', default: PROCESS_GRACE_SECONDS },
};

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

/** The command's work; returns its exit code. */
export async function run(given: ServeArgs, ctx: CommandContext): Promise<number> {
  const args = withEnv(given, SPEC);
  const { host, port } = parseListen(args.listen);
  const webConfig = args.webConfigFile ? loadWebConfig(args.webConfigFile) : null;
  for (const w of webConfig?.warnings ?? []) ctx.stderr.write(`warning: ${w}\n`);
  if (!(args.processGrace >= 0)) throw new UsageError(`--process-grace ${args.processGrace}: must be a number of seconds, 0 or more`);
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
    processGraceSeconds: args.processGrace,
    ...(process.env.FLOPMETER_POWERCAP_ROOT ? { powercapRoot: process.env.FLOPMETER_POWERCAP_ROOT } : {}),
    log: (line) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  ctx.stderr.write(`flopmeter exporter on ${exporter.url} (/metrics${args.enableProbeEndpoint ? ', /probe' : ''}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await exporter.stop();
  return EXIT.OK;
}
