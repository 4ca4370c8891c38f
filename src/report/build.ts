/**
 * Assembles the report from a run's outcome and provenance.
 */
import type { SuiteOutcome } from '../measure/suite.js';
import { hostInfo, toolInfo } from './provenance.js';
import { PROCESS_ENERGY_METHOD } from '../telemetry/process-ledger.js';
import { REPORT_SCHEMA, type Report } from './types.js';

export interface ReportRequest {
  outcome: SuiteOutcome;
  argv: string[];
  seed: number;
  backends: string[];
  probes: string[];
  params: string[];
  telemetry: boolean;
  /** The procedure's name in config.preset where it is not a preset's (`measure`: "external"). */
  presetLabel?: string;
}

export async function buildReport(req: ReportRequest): Promise<Report> {
  const { outcome } = req;
  const p = outcome.preset;
  return {
    schema: REPORT_SCHEMA,
    tool: toolInfo(),
    createdAt: new Date().toISOString(),
    status: outcome.interrupted ? 'interrupted' : 'complete',
    host: await hostInfo(),
    backends: outcome.backends,
    devices: outcome.devices,
    config: {
      argv: req.argv,
      preset: req.presetLabel ?? p.id,
      seed: req.seed,
      threads: outcome.threads,
      backends: req.backends,
      probes: req.probes,
      params: req.params,
      stopping: { criterion: outcome.criterion.id, settings: outcome.criterion.settings },
      idleSeconds: p.idleSeconds,
      warmup: { minSeconds: p.warmup.minSeconds, maxSeconds: p.warmup.maxSeconds, stableRel: p.warmup.stableRel },
      window: { ...p.window },
      blocks: { ...p.blocks },
      interleave: outcome.interleave,
      telemetry: req.telemetry,
      ...(outcome.budget ? { budget: outcome.budget } : {}),
    },
    idle: outcome.idle,
    telemetry: { devices: outcome.telemetryDevices, sensors: outcome.sensors, missing: outcome.missing, notes: outcome.telemetryNotes, samplers: outcome.samplerStats },
    results: outcome.results,
    ...(outcome.processes ? { processes: { method: PROCESS_ENERGY_METHOD, ...outcome.processes } } : {}),
  };
}

/** The report as JSON text. Non-finite numbers (a bug if they occur) become null, which schema validation then rejects. */
export function serializeReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
