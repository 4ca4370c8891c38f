/**
 * The exporter started in-process for tests: options with the real CPU
 * backend and every probe, and reading one sample from an exposition.
 */
import { cpuBackend } from '../../src/backends/cpu/index.js';
import { DEFAULT_PROBE_MAX_BYTES, type ExporterOptions } from '../../src/exporter/server.js';
import { PROBES } from '../../probes/index.js';

/** The real CPU backend on two threads with every probe, the quick preset; loopback on a free port, /probe on. */
export function exporterOptions(over: Partial<ExporterOptions> = {}): ExporterOptions {
  const measuring = { backends: [cpuBackend], probes: PROBES, threads: 2, seed: 42, preset: 'quick' as const, schedule: [], gpuSampleHz: 20 };
  const serving = { host: '127.0.0.1', port: 0, webConfig: null, probeEndpoint: true, probeTimeoutSeconds: 60, probeMaxBytes: DEFAULT_PROBE_MAX_BYTES };
  return { ...measuring, ...serving, ...over };
}

/** A sample's value in a text exposition, or undefined. */
export function valueOf(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
