/**
 * The exporter under test in `npm run bench:exporter`, in its own process:
 * flopmeter's Exporter exactly as `flopmeter serve` starts it, plus an
 * event-loop delay monitor the benchmark reads over stdin ("reset", then
 * "report" prints one JSON line). It prints "listening URL" once ready.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { cpuBackend } from '../src/backends/cpu/index.js';
import { DEFAULT_PROBE_MAX_BYTES, Exporter } from '../src/exporter/server.js';
import { PROBES } from '../probes/index.js';

/** The monitor's timer period, ms: it records each period's length, so the delay is a reading less this. */
const RESOLUTION_MS = 1;

const exporter = await Exporter.start({
  host: '127.0.0.1',
  port: 0,
  webConfig: null,
  backends: [cpuBackend],
  probes: PROBES,
  probeEndpoint: true,
  probeMaxBytes: DEFAULT_PROBE_MAX_BYTES,
  probeTimeoutSeconds: 120,
  preset: 'quick',
  schedule: [],
  seed: 42,
  gpuSampleHz: Number(process.env.BENCH_SAMPLE_HZ ?? 20),
});
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();
process.stdout.write(`listening ${exporter.url}\n`);

const lateness = (ns: number): number => Math.max(0, ns / 1e9 - RESOLUTION_MS / 1e3);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'reset') {
    loop.reset();
    process.stdout.write('ok\n');
  } else if (line === 'report') {
    process.stdout.write(
      `${JSON.stringify({ eventLoopDelaySeconds: { p50: lateness(loop.percentile(50)), p99: lateness(loop.percentile(99)), max: lateness(loop.max), samples: loop.count } })}\n`,
    );
  } else if (line === 'stop') {
    break;
  }
}
loop.disable();
await exporter.stop();
// Whatever a backend left open (worker pools) must not keep the benchmark waiting.
process.exit(0);
